"""Turning cell text into typed values, with messages that say what to write instead.

Every parser raises ``CellError`` with a message that never repeats the cell's value.
Text cells are kept verbatim: a value such as ``=cmd|' /C calc'!A0`` is only ever stored as
text and never evaluated (exports neutralise formulas when they write a spreadsheet).
"""

from __future__ import annotations

import re
from datetime import datetime, time
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from smartcrm.core.moments import check_recorded

_DECIMAL = re.compile(r"-?\d+(\.\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "on", "active"})
FALSE_WORDS = frozenset({"0", "false", "no", "n", "off", "inactive"})


class CellError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_decimal(
    text: str, *, places: int = 2, max_digits: int = 12, minimum: Decimal = Decimal(0)
) -> Decimal:
    """A dot-decimal number such as ``1234.50`` (the reader has already rewritten local spellings)."""
    if not _DECIMAL.fullmatch(text):
        raise CellError("Enter a number, e.g. 1234.50 (also accepted: 1,234.50, 1.234,50, €12.50).")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already rules this out
        raise CellError("Enter a number, e.g. 1234.50.") from exc
    if value < minimum:
        raise CellError("Cannot be negative." if minimum == 0 else f"Must be at least {minimum}.")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise CellError(f"At most {places} decimal places.")
    if abs(value) >= Decimal(10) ** (max_digits - places):
        raise CellError(f"Too large (at most {max_digits - places} digits before the decimal point).")
    return value


def parse_int(text: str, *, minimum: int, maximum: int = 2_000_000_000) -> int:
    if not _INTEGER.fullmatch(text):
        raise CellError("Enter a whole number, e.g. 3.")
    value = int(text)
    if value < minimum:
        raise CellError(f"Must be at least {minimum}.")
    if value > maximum:
        raise CellError(f"Must be at most {maximum:,}.")
    return value


def parse_bool(text: str) -> bool:
    word = text.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError("Use true or false (also accepted: yes/no, 1/0).")


def parse_moment(text: str) -> datetime:
    """An ISO 8601 date or date-time; one without an offset is in the shop's time zone.

    It is the date of something that happened, so it must be plausible (``core.moments``)."""
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            if day is not None:
                moment = datetime.combine(day, time.min)
    except ValueError as exc:
        raise CellError("Not a real date (check the day and month).") from exc
    if moment is None:
        raise CellError(
            "Use a date like 2024-03-31 or 31/03/2024, or a date-time like 2024-03-31T14:05:00+02:00."
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    try:
        return check_recorded(moment)
    except ValueError as exc:
        raise CellError(str(exc)) from exc


def parse_choice(text: str, choices: list[str]) -> str:
    word = text.lower()
    if word not in choices:
        raise CellError(f"Must be one of: {', '.join(choices)}.")
    return word


def parse_currency(text: str) -> str:
    if len(text) != 3 or not text.isalpha() or not text.isascii():
        raise CellError("Use a three-letter ISO currency code, e.g. EUR.")
    return text.upper()


def check_length(text: str, limit: int) -> str:
    if len(text) > limit:
        raise CellError(f"At most {limit} characters.")
    return text
