"""Turn signed per-column contributions into factors and plain sentences.

Contributions are in log-odds points of the model's raw score, relative to the average training
customer: positive pushes the probability up, negative down.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from smartcrm.engine.reasons import Reason, Value, phrase
from smartcrm.engine.wording import gettext_noop

# Factors whose contribution would print as ±0.00 say nothing; they are left out.
MIN_CONTRIBUTION = 0.005


@dataclass(frozen=True)
class Factor:
    """One reason behind a score: the source column, the customer's value and its signed push."""

    column: str
    value: Any
    contribution: float

    def describe(self, templates: Mapping[str, str] | None = None) -> Reason:
        """The factor as a phrase: the column's template (code ``feature.<column>``) if given."""
        if is_missing(self.value):
            return phrase("factor.missing", MISSING, column=self.column)
        value = format_value(self.value)
        if templates and self.column in templates:
            return phrase(f"feature.{self.column}", templates[self.column], value=value)
        return phrase("factor.value", PLAIN, column=self.column, value=value)


MISSING = gettext_noop("{column} is missing")
PLAIN = gettext_noop("{column} is {value}")
YES = phrase("value.yes", gettext_noop("yes"))
NO = phrase("value.no", gettext_noop("no"))
WITH_CONTRIBUTION = gettext_noop("{factor} ({contribution})")
# code → template of the whole sentence (outcome first, then the factors pushing up, then down)
SENTENCES = {
    "score.higher_and_lower": gettext_noop("{outcome} is higher because: {up}. Lower because: {down}."),
    "score.higher": gettext_noop("{outcome} is higher because: {up}."),
    "score.lower": gettext_noop("{outcome} is lower because: {down}."),
    "score.average": gettext_noop("{outcome} is close to average: no single factor stands out."),
}


def is_missing(value: Any) -> bool:
    if value is None:
        return True
    kind = type(value)  # exact types first: the ABC checks below cost microseconds per call
    if kind is float or kind is np.float64:
        return math.isnan(value)
    if kind is int or kind is str or kind is np.int64:
        return False
    if isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_):
        return math.isnan(float(value))
    return value is pd.NA or value is pd.NaT


def format_value(value: Any) -> str | Reason:
    """Readable scalars: ``True`` → yes, ``210.0`` → 210, ``1889.504`` → 1,889.5."""
    kind = type(value)
    if kind is float or kind is np.float64 or kind is int or kind is np.int64:
        return _format_number(float(value), value)
    if isinstance(value, bool | np.bool_):
        return YES if value else NO
    if isinstance(value, numbers.Real):
        return _format_number(float(value), value)
    return str(value)


def _format_number(number: float, value: Any) -> str:
    if not math.isfinite(number):
        return str(value)
    if number.is_integer():
        return f"{int(number):,}"
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def format_contribution(value: float) -> str:
    sign = "+" if value >= 0 else "−"
    return f"{sign}{abs(value):.2f}"


def explanation(
    factors: list[Factor],
    outcome: str | Reason,
    templates: Mapping[str, str] | None = None,
    shared: dict[tuple[Any, ...], Reason] | None = None,
) -> Reason:
    """E.g. ``Churn risk is higher because: no purchase for 210 days (+0.31). Lower because: …``
    as data; ``outcome`` as text is its own English message id (code ``outcome``).

    ``shared`` (one dict for a batch with the same ``templates``) reuses the phrase of a factor
    already seen with the same value and push: a refresh explains a million customers whose
    factors repeat, and :meth:`Reason.english`/:meth:`Reason.as_json` with a memo then render
    each phrase once."""
    subject = outcome if isinstance(outcome, Reason) else phrase("outcome", outcome)

    def described(f: Factor) -> Reason:
        contribution = format_contribution(f.contribution)
        if shared is None:
            return _with_contribution(f, contribution, templates)
        try:
            key = (f.column, type(f.value), f.value, contribution)
            known = shared.get(key)
        except TypeError:  # an unhashable value
            return _with_contribution(f, contribution, templates)
        if known is None:
            known = shared[key] = _with_contribution(f, contribution, templates)
        return known

    def listing(group: list[Factor]) -> tuple[Reason, ...]:
        return tuple(described(f) for f in group)

    up = listing([f for f in factors if f.contribution > 0])
    down = listing([f for f in factors if f.contribution < 0])
    code = {
        (True, True): "score.higher_and_lower",
        (True, False): "score.higher",
        (False, True): "score.lower",
    }
    key = code.get((bool(up), bool(down)), "score.average")
    params: dict[str, Value] = {"outcome": subject}
    if up:
        params["up"] = up
    if down:
        params["down"] = down
    return Reason(key, SENTENCES[key], params)


def _with_contribution(f: Factor, contribution: str, templates: Mapping[str, str] | None) -> Reason:
    return phrase(
        "factor.contribution", WITH_CONTRIBUTION, factor=f.describe(templates), contribution=contribution
    )


def sentence(factors: list[Factor], outcome: str, templates: Mapping[str, str] | None = None) -> str:
    """:func:`explanation` in English."""
    return explanation(factors, outcome, templates).english()
