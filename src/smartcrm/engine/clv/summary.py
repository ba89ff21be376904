"""From raw transactions to the per-customer summary the CLV models read."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Length of one time unit in days. Time is continuous (days / unit), as in Fader & Hardie's
# CDNOW data, not whole calendar periods.
UNIT_DAYS = {"D": 1.0, "W": 7.0, "M": 365.25 / 12}


def _unit_days(freq: str) -> float:
    if freq not in UNIT_DAYS:
        raise ValueError(f"freq must be one of {sorted(UNIT_DAYS)}, got {freq!r}")
    return UNIT_DAYS[freq]


def _daily(transactions: pd.DataFrame) -> pd.DataFrame:
    """Check the columns and merge same-day purchases of a customer into one (amounts summed)."""
    missing = [c for c in ("customer_id", "date", "amount") if c not in transactions.columns]
    if missing:
        raise ValueError(f"transactions need columns customer_id, date, amount; missing {missing}")
    frame = transactions[["customer_id", "date", "amount"]].copy()
    try:
        frame["date"] = pd.to_datetime(frame["date"]).dt.normalize()
    except (TypeError, ValueError) as exc:
        raise ValueError("column 'date' could not be read as dates") from exc
    frame["amount"] = pd.to_numeric(frame["amount"], errors="coerce")
    if frame["date"].isna().any() or frame["amount"].isna().any() or frame["customer_id"].isna().any():
        raise ValueError("transactions have missing customer_id, date or amount values")
    return frame.groupby(["customer_id", "date"], as_index=False, sort=True)["amount"].sum()


def summarise_transactions(
    transactions: pd.DataFrame,
    calibration_end: str | pd.Timestamp,
    holdout_end: str | pd.Timestamp | None = None,
    freq: str = "W",
) -> pd.DataFrame:
    """Per-customer frequency, recency, T and monetary_value as of ``calibration_end``.

    - frequency: repeat purchase days (same-day purchases merged, the first one not counted);
    - recency: time from the first to the last purchase; T: from the first purchase to
      ``calibration_end``; both in units of ``freq`` (D, W or M), fractional;
    - monetary_value: mean value of the repeat purchases (Fader-Hardie), 0 without repeats.

    Only transactions dated on or before ``calibration_end`` reach these columns. With
    ``holdout_end``, adds frequency_holdout, monetary_value_holdout (mean per purchase day)
    and duration_holdout for the purchases in (calibration_end, holdout_end]. Customers whose
    first purchase is after ``calibration_end`` are not in the result.
    """
    unit = _unit_days(freq)
    cal_end = pd.Timestamp(calibration_end).normalize()
    daily = _daily(transactions)
    calibration = daily[daily["date"] <= cal_end]
    if calibration.empty:
        raise ValueError(f"no transactions on or before calibration_end {cal_end.date()}")
    grouped = calibration.groupby("customer_id")
    first, last = grouped["date"].min(), grouped["date"].max()
    count = grouped.size()
    total = grouped["amount"].sum()
    first_amount = grouped["amount"].first()  # rows are sorted by date within customer
    frequency = (count - 1).astype(int)
    repeat_total = total - first_amount
    summary = pd.DataFrame(
        {
            "frequency": frequency,
            "recency": (last - first).dt.days / unit,
            "T": (cal_end - first).dt.days / unit,
            "monetary_value": np.where(frequency > 0, repeat_total / frequency.clip(lower=1), 0.0),
        }
    )
    summary.index.name = "customer_id"
    if holdout_end is None:
        return summary
    hold_end = pd.Timestamp(holdout_end).normalize()
    if hold_end <= cal_end:
        raise ValueError("holdout_end must be after calibration_end")
    holdout = daily[(daily["date"] > cal_end) & (daily["date"] <= hold_end)]
    by_customer = holdout.groupby("customer_id")["amount"]
    summary["frequency_holdout"] = by_customer.size().reindex(summary.index, fill_value=0).astype(int)
    summary["monetary_value_holdout"] = by_customer.mean().reindex(summary.index, fill_value=0.0)
    summary["duration_holdout"] = (hold_end - cal_end).days / unit
    return summary
