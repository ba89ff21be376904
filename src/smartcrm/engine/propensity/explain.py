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

# Factors whose contribution would print as ±0.00 say nothing; they are left out.
MIN_CONTRIBUTION = 0.005


@dataclass(frozen=True)
class Factor:
    """One reason behind a score: the source column, the customer's value and its signed push."""

    column: str
    value: Any
    contribution: float

    def describe(self, templates: Mapping[str, str] | None = None) -> str:
        if is_missing(self.value):
            return f"{self.column} is missing"
        text = format_value(self.value)
        if templates and self.column in templates:
            return templates[self.column].format(value=text)
        return f"{self.column} is {text}"


def is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_):
        return math.isnan(float(value))
    return value is pd.NA or value is pd.NaT


def format_value(value: Any) -> str:
    """Readable scalars: ``True`` → yes, ``210.0`` → 210, ``1889.504`` → 1,889.5."""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            return str(value)
        if number.is_integer():
            return f"{int(number):,}"
        return f"{number:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def format_contribution(value: float) -> str:
    sign = "+" if value >= 0 else "−"
    return f"{sign}{abs(value):.2f}"


def sentence(factors: list[Factor], outcome: str, templates: Mapping[str, str] | None = None) -> str:
    """E.g. ``Churn risk is higher because: no purchase for 210 days (+0.31). Lower because: …``."""
    up = [f for f in factors if f.contribution > 0]
    down = [f for f in factors if f.contribution < 0]

    def listing(group: list[Factor]) -> str:
        return "; ".join(f"{f.describe(templates)} ({format_contribution(f.contribution)})" for f in group)

    if up and down:
        return f"{outcome} is higher because: {listing(up)}. Lower because: {listing(down)}."
    if up:
        return f"{outcome} is higher because: {listing(up)}."
    if down:
        return f"{outcome} is lower because: {listing(down)}."
    return f"{outcome} is close to average: no single factor stands out."
