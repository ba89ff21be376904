"""Local spellings of dates and numbers rewritten to the canonical form the parsers check.

Spreadsheets write ``31/03/2024``, ``03/31/2024``, ``31.03.2024``, Excel serial days (``45382``),
``1,234.50``, ``1.234,50``, ``1 234,50``, ``€12.50``, ``12,50 EUR``. Which of day-first or
month-first a column uses, and whether its decimal mark is a dot or a comma, is decided per
column from the data (``ColumnProfile``, filled in the reader's first pass): one value such as
``31/03/2024`` settles the column. A column that never settles it falls back to the shop's
region (month-first only in the United States and the Philippines; a dot decimal mark).

Normalisation never invents: a value that does not fit is handed on unchanged, and the parser
rejects it with a message saying what to write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings

MONTH_FIRST_REGIONS = frozenset({"US", "PH"})
_LOCAL_DATE = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})(?:[ T](\d{1,2}:\d{2}(?::\d{2})?))?")
# Excel counts days from 1899-12-30 (it thinks 1900 was a leap year); 20000..80000 is 1954..2119.
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")
EXCEL_EPOCH = datetime(1899, 12, 30)  # noqa: DTZ001 - a wall-clock date in the shop's zone
_SYMBOLS = {
    "€": "EUR",
    "£": "GBP",
    "$": "USD",
    "US$": "USD",
    "¥": "CNY",
    "￥": "CNY",
    "RMB": "CNY",
    "元": "CNY",
    "₹": "INR",
    "₩": "KRW",
    "₽": "RUB",
    "₺": "TRY",
    "₫": "VND",
    "R$": "BRL",
    "CHF": "CHF",
    "zł": "PLN",
    "kr": "SEK",
}
_CURRENCY = re.compile(
    r"^\s*(?P<pre>US\$|R\$|[A-Z]{3}|[€£$¥￥₹₩₽₺₫])?\s*(?P<num>.*?)\s*(?P<post>[A-Z]{3}|元|zł|kr|[€£$¥￥₹₩₽₺₫])?\s*$"
)
_GROUPING = re.compile(r"[\s\u00a0\u202f']")
_PLAIN = re.compile(r"-?\d+(\.\d+)?")


@dataclass
class ColumnProfile:
    """What a column's values say about its local format; counts of deciding values."""

    day_first: int = 0
    month_first: int = 0
    comma_decimal: int = 0
    dot_decimal: int = 0

    def observe_date(self, text: str) -> None:
        match = _LOCAL_DATE.fullmatch(text)
        if match:
            first, second = int(match[1]), int(match[2])
            if first > 12 >= second:
                self.day_first += 1
            elif second > 12 >= first:
                self.month_first += 1

    def observe_number(self, text: str) -> None:
        digits = _strip_currency(text)[0]
        digits = _GROUPING.sub("", digits)
        if "," in digits and "." in digits:
            if digits.rindex(",") > digits.rindex("."):
                self.comma_decimal += 1
            else:
                self.dot_decimal += 1
        elif re.search(r",\d{1,2}$", digits) or re.search(r",\d{4,}$", digits):
            self.comma_decimal += 1
        elif re.search(r"\.\d{1,2}$", digits) or re.search(r"\.\d{4,}$", digits):
            self.dot_decimal += 1

    @property
    def is_day_first(self) -> bool:
        if self.day_first != self.month_first:
            return self.day_first > self.month_first
        return settings.SMARTCRM_DEFAULT_REGION.upper() not in MONTH_FIRST_REGIONS

    @property
    def decimal_comma(self) -> bool:
        return self.comma_decimal > self.dot_decimal


def normalise_date(text: str, profile: ColumnProfile) -> str:
    """``31/03/2024`` → ``2024-03-31`` (by the column's order), Excel serial → ISO; else unchanged."""
    match = _LOCAL_DATE.fullmatch(text)
    if match:
        first, second, year = match[1], match[2], match[3]
        day, month = (first, second) if profile.is_day_first else (second, first)
        if len(year) == 2:
            year = f"20{year}" if int(year) < 70 else f"19{year}"
        iso = f"{year}-{int(month):02d}-{int(day):02d}"
        if match[4]:
            hours, _, rest = match[4].partition(":")
            iso += f"T{int(hours):02d}:{rest}"
        return iso
    if _SERIAL.fullmatch(text) and 20000 <= float(text) < 80000:
        moment = EXCEL_EPOCH + timedelta(days=float(text))
        if moment.time() == datetime.min.time():
            return date.isoformat(moment.date())
        return moment.isoformat(timespec="seconds")
    return text


def _strip_currency(text: str) -> tuple[str, str]:
    match = _CURRENCY.fullmatch(text)
    if not match:
        return text, ""
    pre, post = match["pre"] or "", match["post"] or ""
    if pre and post:
        return text, ""
    sign = pre or post
    code = _SYMBOLS.get(sign, sign if len(sign) == 3 and sign.isalpha() else "")
    if sign and not code:
        return text, ""
    return match["num"], code


def normalise_number(text: str, profile: ColumnProfile) -> tuple[str, str]:
    """``"€1.234,50"`` → (``"1234.50"``, ``"EUR"``) for a decimal-comma column; unfit text unchanged."""
    if _PLAIN.fullmatch(text) and not profile.decimal_comma:
        return text, ""
    number, currency = _strip_currency(text)
    number = _GROUPING.sub("", number)
    negative = number.startswith("(") and number.endswith(")")
    if negative:
        number = number[1:-1]
    if number.endswith("-"):
        negative, number = True, number[:-1]
    if number.startswith("-"):
        negative, number = not negative, number[1:]
    decimal_mark, grouping = (",", ".") if profile.decimal_comma else (".", ",")
    if decimal_mark not in number and number.count(grouping) == 1:
        # "1,5" in a dot column or "1.5" in a comma column: a lone separator followed by anything
        # but exactly three digits is the decimal mark (no one groups by fewer than three).
        whole, _, fraction = number.partition(grouping)
        if len(fraction) != 3:
            decimal_mark, grouping = grouping, decimal_mark
    whole, _, fraction = number.partition(decimal_mark)
    groups = whole.split(grouping)
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])):
        return text, ""
    candidate = "".join(groups) + (f".{fraction}" if fraction else "")
    if not _PLAIN.fullmatch(candidate):
        return text, ""
    return ("-" if negative else "") + candidate, currency
