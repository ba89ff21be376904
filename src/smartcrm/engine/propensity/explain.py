"""Turn signed per-column contributions into factors and plain sentences.

Contributions are in log-odds points of the model's raw score, relative to the average training
customer: positive pushes the probability up, negative down.
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from smartcrm.engine.reasons import ENGLISH_SEPARATOR, Reason, Rendered, Value, phrase
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
# (any factor pushing up, any pushing down) → the sentence's code
_SENTENCE_CODES = {
    (True, True): "score.higher_and_lower",
    (True, False): "score.higher",
    (False, True): "score.lower",
    (False, False): "score.average",
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
    key = _SENTENCE_CODES[bool(up), bool(down)]
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


def strongest(values: np.ndarray, top: int) -> np.ndarray:
    """Per row of ``values`` (signed contributions), the columns of its ``top`` largest pushes,
    strongest first (ties: the earlier column)."""
    return np.argsort(-np.abs(values), axis=1, kind="stable")[:, :top]


def rendered_explanations(
    values: np.ndarray,
    columns: Sequence[np.ndarray],
    names: Sequence[str],
    outcome: str | Reason,
    templates: Mapping[str, str] | None = None,
    top: int = 3,
) -> list[Rendered]:
    """Per row ``i``: ``explanation(factors, outcome, templates).rendered()``, the factors being
    the ``top`` strongest of ``values[i]`` (columns ``names``, the customer's values
    ``columns[j][i]``) above MIN_CONTRIBUTION — as ``PropensityModel.explanations`` builds them.

    A refresh explains every customer, and the per-customer Reason trees cost more than the
    model. Here each distinct factor phrase (column, value, rounded push) is built and rendered
    once; a row's text and JSON are then its sentence's template filled with the rendered
    phrases, which is what rendering its Reason would give, character for character."""
    subject = outcome if isinstance(outcome, Reason) else phrase("outcome", outcome)
    subject_english, subject_json = subject.english(), json.dumps(subject.as_json())
    heads = {
        code: f'{{"code": {json.dumps(code)}, "message": {json.dumps(message)}, '
        f'"params": {{"outcome": {subject_json}'
        for code, message in SENTENCES.items()
    }
    order = strongest(values, top)
    pushes = np.take_along_axis(values, order, axis=1).tolist()
    missing = [np.asarray(pd.isna(column)) for column in columns]
    phrases: dict[tuple[Any, ...], tuple[str, str]] = {}
    out = []
    for i, (row, row_pushes) in enumerate(zip(order.tolist(), pushes, strict=True)):
        up_text: list[str] = []
        up_json: list[str] = []
        down_text: list[str] = []
        down_json: list[str] = []
        for j, push in zip(row, row_pushes, strict=True):
            if abs(push) < MIN_CONTRIBUTION:
                continue
            value = columns[j][i]
            if isinstance(value, np.generic):
                value = value.item()
            contribution = format_contribution(push)
            # A missing value reads the same whatever it is (NaN is not even equal to itself).
            key: tuple[Any, ...] = (
                (j, contribution) if missing[j][i] else (j, type(value), value, contribution)
            )
            try:
                known = phrases.get(key)
            except TypeError:  # an unhashable value: rendered each time
                key, known = (), None
            if known is None:
                known = _rendered_factor(Factor(names[j], value, push), contribution, templates)
                if key:
                    phrases[key] = known
            if push > 0:
                up_text.append(known[0])
                up_json.append(known[1])
            else:
                down_text.append(known[0])
                down_json.append(known[1])
        code = _SENTENCE_CODES[bool(up_text), bool(down_text)]
        up, down = ENGLISH_SEPARATOR.join(up_text), ENGLISH_SEPARATOR.join(down_text)
        text = SENTENCES[code].format(outcome=subject_english, up=up, down=down)
        encoded = heads[code]
        if up_json:
            encoded += ', "up": [' + ", ".join(up_json) + "]"
        if down_json:
            encoded += ', "down": [' + ", ".join(down_json) + "]"
        out.append(Rendered(text, encoded + "}}"))
    return out


def _rendered_factor(f: Factor, contribution: str, templates: Mapping[str, str] | None) -> tuple[str, str]:
    """``_with_contribution(f, contribution, templates)``'s English text and JSON. A value that
    reads as plain text (most of them: a number) is put straight into the templates, as
    rendering the Reason would; the rest (missing, yes/no) go through the Reason."""
    shown = None if is_missing(f.value) else format_value(f.value)
    if type(shown) is not str:
        reason = _with_contribution(f, contribution, templates)
        return reason.english(), json.dumps(reason.as_json())
    if templates and f.column in templates:
        message = templates[f.column]
        factor_text = message.format(value=shown)
        factor_json = (
            f'{{"code": {json.dumps("feature." + f.column)}, "message": {json.dumps(message)}, '
            f'"params": {{"value": {json.dumps(shown)}}}}}'
        )
    else:
        factor_text = PLAIN.format(column=f.column, value=shown)
        factor_json = (
            f'{{"code": "factor.value", "message": {json.dumps(PLAIN)}, '
            f'"params": {{"column": {json.dumps(f.column)}, "value": {json.dumps(shown)}}}}}'
        )
    return WITH_CONTRIBUTION.format(factor=factor_text, contribution=contribution), (
        f'{{"code": "factor.contribution", "message": {json.dumps(WITH_CONTRIBUTION)}, '
        f'"params": {{"factor": {factor_json}, "contribution": {json.dumps(contribution)}}}}}'
    )


def sentence(factors: list[Factor], outcome: str, templates: Mapping[str, str] | None = None) -> str:
    """:func:`explanation` in English."""
    return explanation(factors, outcome, templates).english()
