"""The engines' English sentences in the reader's language: the one thin layer between the
Django-free engines (which write English, their templates marked with
:func:`smartcrm.engine.wording.gettext_noop`) and the pages.

A stored sentence is read back by the template that wrote it (``"bought with {product}"``
matches ``"bought with Brass Gear"``), and the translated template is filled with the same
values. Text that no template wrote is shown as it is.
"""

from __future__ import annotations

import re
from functools import cache

from django.utils.translation import gettext


def _templates() -> tuple[str, ...]:
    # Imported here: the recommender pulls in its numerical libraries, which pages that show
    # no engine sentence should not pay for.
    from smartcrm.engine.recs import shop
    from smartcrm.engine.uplift import next_action

    return (
        *next_action.LABELS.values(),
        next_action.NOT_SCORED,
        next_action.NO_SIGNAL,
        shop.REPURCHASE_REASON,
        shop.BOUGHT_WITH_REASON,
        shop.LIKE_YOU_REASON,
        shop.POPULAR_IN_REASON,
        shop.POPULAR_REASON,
    )


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    patterns = []
    for template in _templates():
        parts = re.split(r"\{(\w+)\}", template)
        regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts))
        patterns.append((re.compile(regex + r"\Z", re.DOTALL), template))
    return tuple(patterns)


def translate(text: str) -> str:
    """``text`` written by an engine, in the active language; other text unchanged."""
    for pattern, template in _patterns():
        match = pattern.match(text)
        if match:
            return gettext(template).format(**match.groupdict())
    return text
