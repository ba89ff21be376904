"""The effect of an action on the people it reached, against its holdout control group.

* Conversion: the difference of the two conversion rates in percentage points, with Newcombe's
  hybrid score interval (method 10: Wilson intervals per group, combined), which keeps its
  coverage with rare conversions where the plain Wald interval does not.
* Revenue per customer (zeros included): the difference of means with a Welch interval
  (normal quantile; the groups are large), and the incremental revenue: that difference times
  the number of customers treated, with the same interval scaled.
* Too small a sample says so (``enough_data``): each group needs ``min_group`` customers and
  the two together ``min_conversions`` conversions before the interval means much.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

Z95 = 1.959963984540054


@dataclass(frozen=True)
class LiftEstimate:
    n_treatment: int
    n_control: int
    conversion_treatment: float
    conversion_control: float
    lift_pp: float
    lift_low_pp: float
    lift_high_pp: float
    revenue_treatment: float  # per customer
    revenue_control: float
    revenue_diff: float
    revenue_diff_low: float
    revenue_diff_high: float
    incremental_revenue: float
    incremental_revenue_low: float
    incremental_revenue_high: float
    enough_data: bool

    def sentence(self, currency: str = "$") -> str:
        """One line for a person: "+2.1 pp, 95% CI 0.8 to 3.4; about $4,300 incremental"."""
        if not self.enough_data:
            return (
                f"Too few customers to tell yet ({self.n_treatment:,} reached, {self.n_control:,} held "
                f"out): wait for more results before reading the difference."
            )
        sign = "+" if self.lift_pp >= 0 else "−"
        about = _round_money(self.incremental_revenue)
        money = f"{'−' if about < 0 else ''}{currency}{abs(about):,.0f}"
        return (
            f"{sign}{abs(self.lift_pp):.1f} pp, 95% CI {self.lift_low_pp:.1f} to {self.lift_high_pp:.1f}; "
            f"about {money} incremental"
        )


def _round_money(value: float) -> float:
    if value == 0 or not math.isfinite(value):
        return 0.0
    digits = max(0, math.floor(math.log10(abs(value))) - 1)
    return round(value, -digits)


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def newcombe(x1: int, n1: int, x2: int, n2: int, z: float = Z95) -> tuple[float, float]:
    """95% interval of p1 − p2 (Newcombe 1998, method 10)."""
    p1, p2 = (x1 / n1 if n1 else 0.0), (x2 / n2 if n2 else 0.0)
    l1, u1 = wilson(x1, n1, z)
    l2, u2 = wilson(x2, n2, z)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return low, high


def estimate_lift(
    treatment: pd.DataFrame,
    control: pd.DataFrame,
    *,
    converted: str = "converted",
    revenue: str = "revenue",
    min_group: int = 100,
    min_conversions: int = 10,
) -> LiftEstimate:
    """``treatment`` and ``control``: one row per customer with ``converted`` (bool) and
    ``revenue`` (within the attribution window, 0 when none)."""
    n1, n0 = len(treatment), len(control)
    x1 = int(treatment[converted].astype(bool).sum()) if n1 else 0
    x0 = int(control[converted].astype(bool).sum()) if n0 else 0
    p1, p0 = (x1 / n1 if n1 else 0.0), (x0 / n0 if n0 else 0.0)
    low, high = newcombe(x1, n1, x0, n0)
    r1 = treatment[revenue].to_numpy(dtype=float) if n1 else np.zeros(0)
    r0 = control[revenue].to_numpy(dtype=float) if n0 else np.zeros(0)
    m1, m0 = (float(r1.mean()) if n1 else 0.0), (float(r0.mean()) if n0 else 0.0)
    v1 = float(r1.var(ddof=1)) / n1 if n1 > 1 else 0.0
    v0 = float(r0.var(ddof=1)) / n0 if n0 > 1 else 0.0
    half = Z95 * math.sqrt(v1 + v0)
    diff = m1 - m0
    return LiftEstimate(
        n_treatment=n1,
        n_control=n0,
        conversion_treatment=p1,
        conversion_control=p0,
        lift_pp=100 * (p1 - p0),
        lift_low_pp=100 * low,
        lift_high_pp=100 * high,
        revenue_treatment=m1,
        revenue_control=m0,
        revenue_diff=diff,
        revenue_diff_low=diff - half,
        revenue_diff_high=diff + half,
        incremental_revenue=diff * n1,
        incremental_revenue_low=(diff - half) * n1,
        incremental_revenue_high=(diff + half) * n1,
        enough_data=min(n1, n0) >= min_group and x1 + x0 >= min_conversions,
    )
