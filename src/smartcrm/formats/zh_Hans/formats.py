"""Simplified Chinese: 2026年12月7日 · 2026年12月7日 14:05 · 12月7日 · 2026年12月."""

DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
