"""Cells safe to open in a spreadsheet: text that a spreadsheet would run as a formula is defused.

Excel, LibreOffice and Google Sheets treat a cell starting with ``=``, ``+``, ``-`` or ``@`` (and,
in some versions, a tab or carriage return before one) as a formula — ``=HYPERLINK(...)`` or
``=cmd|' /C calc'!A0`` in a customer's name would run on the reader's machine. OWASP's advice:
prefix such cells with an apostrophe, which the spreadsheet shows as text. Numbers we write
ourselves (``-12.50``) are not text and stay numbers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The value, with a leading apostrophe if it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_cell(value: Any) -> str:
    """A cell for CSV: None blank, decimals as written, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(neutralise(str(value)))
