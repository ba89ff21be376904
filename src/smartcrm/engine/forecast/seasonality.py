"""Season lengths and statsforecast frequencies for the shop's daily, weekly and monthly series."""

from __future__ import annotations

GRAINS = {"day": "D", "week": "W-MON", "month": "MS"}
SEASONS = {"day": 7, "week": 52, "month": 12}


def season_for_dates(freq: str) -> int:
    """A season length for a pandas frequency string: a week of days, a year of weeks/months/quarters."""
    head = freq.upper().lstrip("0123456789").split("-")[0]
    if head in ("D", "B"):
        return 7 if head == "D" else 5
    if head == "W":
        return 52
    if head in ("M", "MS", "ME"):
        return 12
    if head in ("Q", "QS", "QE", "BQ", "BQS"):
        return 4
    if head in ("H", "h"):
        return 24
    return 1
