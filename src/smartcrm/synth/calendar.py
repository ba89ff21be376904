"""Seasonality and promotions: a daily multiplier on every customer's purchase rate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
import pandas as pd

from smartcrm.synth.spec import ShopSpec

# Monday … Sunday: weekends sell more.
WEEKDAY = np.array([1.0, 0.95, 0.95, 1.0, 1.1, 1.3, 1.25])
# Hour-of-day profile of orders (UTC, naive): quiet nights, lunch and evening peaks.
HOURS = np.array(
    [0.4, 0.25, 0.15, 0.1, 0.1, 0.15, 0.35, 0.6, 0.8, 0.9, 1.0, 1.1, 1.3, 1.2, 1.0, 1.0, 1.05, 1.1,
     1.3, 1.6, 1.8, 1.7, 1.2, 0.7]
)  # fmt: skip
HOUR_P = HOURS / HOURS.sum()

# name, month, day, length in days, discount, rate lift
PROMOTIONS = (
    ("NEWYEAR10", 1, 2, 5, 0.10, 1.4),
    ("SPRING15", 3, 20, 7, 0.15, 1.5),
    ("SUMMER20", 7, 10, 6, 0.20, 1.6),
    ("BACK2SCHOOL", 8, 25, 5, 0.10, 1.3),
    ("BLACKFRIDAY30", 11, 24, 5, 0.30, 2.4),
    ("SINGLES11", 11, 11, 2, 0.15, 1.8),
)


def yearly_factor(day_of_year: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """Busy November and December, a January dip, a mild summer lull."""
    d = day_of_year.astype(np.float64)
    holiday = 0.9 * np.exp(-0.5 * ((d - 345) / 14) ** 2) + 0.5 * np.exp(-0.5 * ((d - 325) / 10) ** 2)
    january = -0.2 * np.exp(-0.5 * ((d - 15) / 10) ** 2)
    summer = -0.1 * np.exp(-0.5 * ((d - 200) / 25) ** 2)
    return 1.0 + holiday + january + summer


@dataclass(frozen=True)
class Calendar:
    """Daily rate multipliers and promotion windows over the spec's window.

    ``multiplier`` has mean 1, so a customer's base rate stays their average rate; ``peak``
    marks the holiday rush, when carriers run late more often.
    """

    multiplier: npt.NDArray[np.float64]
    promo_index: npt.NDArray[np.int64]  # index into ``promotions`` per day, -1 outside
    peak: npt.NDArray[np.bool_]
    promotions: pd.DataFrame

    @property
    def max_multiplier(self) -> float:
        return float(self.multiplier.max())


def make_calendar(spec: ShopSpec) -> Calendar:
    start = spec.start.date()
    days = pd.date_range(start, periods=spec.days, freq="D")
    doy = days.day_of_year.to_numpy().astype(np.int64)
    weekday = days.day_of_week.to_numpy()
    base = WEEKDAY[weekday] * yearly_factor(doy)
    promo_index = np.full(spec.days, -1, dtype=np.int64)
    rows: list[dict[str, object]] = []
    for year in range(start.year, spec.end.year + 1):
        for code, month, day, length, discount, lift in PROMOTIONS:
            first = date(year, month, day)
            offset = (first - start).days
            if offset + length <= 0 or offset >= spec.days:
                continue
            lo, hi = max(offset, 0), min(offset + length, spec.days)
            promo_index[lo:hi] = len(rows)
            base[lo:hi] *= lift
            rows.append(
                {
                    "code": f"{code}-{year}",
                    "starts_on": first,
                    "ends_on": first + timedelta(days=length - 1),
                    "discount": discount,
                    "lift": lift,
                }
            )
    multiplier = base / base.mean()
    peak = (doy >= 319) & (doy <= 358)
    promotions = pd.DataFrame(rows, columns=["code", "starts_on", "ends_on", "discount", "lift"])
    return Calendar(multiplier=multiplier, promo_index=promo_index, peak=peak, promotions=promotions)
