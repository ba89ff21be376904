"""English: the compact forms the pages were designed with (Dec 7, 2026 · Dec 7, 2026 14:05)."""

DATE_FORMAT = "M j, Y"
DATETIME_FORMAT = "M j, Y H:i"
MONTH_DAY_FORMAT = "M j"
YEAR_MONTH_FORMAT = "F Y"
