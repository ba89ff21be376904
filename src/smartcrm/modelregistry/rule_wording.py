"""The robustness report's rules in the reader's language.

The report is written by ``make eval`` in English (``robustness.json``, evaluation code that the
runtime never imports); its rules follow a handful of shapes, matched here and re-worded through
gettext. A rule of a shape not listed stays as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.translation import gettext as _

_SHAPES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"\|aggregate bias\| ≤ (?P<limit>\S+)$"),
        lambda m: _("|aggregate bias| ≤ %(limit)s") % {"limit": m["limit"]},
    ),
    (
        re.compile(r"(?P<metric>\S+) above BG/NBD mean's$"),
        lambda m: _("%(metric)s above BG/NBD mean's") % {"metric": m["metric"]},
    ),
    (
        re.compile(r"(?P<metric>\S+) below BG/NBD mean's$"),
        lambda m: _("%(metric)s below BG/NBD mean's") % {"metric": m["metric"]},
    ),
    (
        re.compile(r"default ROC-AUC ≥ best untuned baseline \(same outer folds\)$"),
        lambda m: _("default ROC-AUC ≥ best untuned baseline (same outer folds)"),
    ),
    (
        re.compile(r"default ≥ every untuned zero-shot baseline \(VADER, MiniLM, VADER \+ MiniLM\)$"),
        lambda m: _("default ≥ every untuned zero-shot baseline (VADER, MiniLM, VADER + MiniLM)"),
    ),
    (
        re.compile(r"default ≤ best untuned baseline \(seasonal naive, AutoETS, AutoARIMA\)$"),
        lambda m: _("default ≤ best untuned baseline (seasonal naive, AutoETS, AutoARIMA)"),
    ),
    (
        re.compile(r"within ±(?P<points>\d+) points of (?P<level>\d+)%$"),
        lambda m: _("within ±%(points)s points of %(level)s%%") % m.groupdict(),
    ),
    (
        re.compile(r"(?P<bound>[≥≤] [\d.]+) \(issue (?P<issue>\d+) target\)$"),
        lambda m: _("%(bound)s (issue %(issue)s target)") % {"bound": m["bound"], "issue": m["issue"]},
    ),
]


def rule_text(rule: str) -> str:
    """``rule`` in the active language when it has a known shape, else as written."""
    for pattern, word in _SHAPES:
        if match := pattern.match(rule):
            return word(match)
    return rule
