"""Plausible moments: the window a recorded date may fall in, and the offsets a database stores.

An order placed, a customer signed up, a review written: each happened, so a date far in the
future (``9999-12-31``, which then sorts as the latest everywhere) or before 1900 is a typing or
export mistake, refused with a field error by the API, the forms and the imports alike.
PostgreSQL stores offsets up to ±15:59; Python accepts up to ±23:59, so a wider one is refused
before it reaches the database ("time zone displacement out of range").
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_noop

MAX_OFFSET = timedelta(hours=15, minutes=59)
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
# Clock skew and shops that date an order ahead (pre-orders); anything later is a mistake.
FUTURE_ALLOWANCE = timedelta(days=366)


def check_offset(value: datetime) -> datetime:
    """The value, or ValueError if its UTC offset is beyond what PostgreSQL stores (±15:59)."""
    offset = value.utcoffset()
    if offset is None:
        return value
    if abs(offset) > MAX_OFFSET:
        raise ValueError(gettext_noop("The time-zone offset must be between -15:59 and +15:59."))
    try:
        value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError(gettext_noop("Date out of range.")) from exc
    return value


def latest_plausible() -> datetime:
    return timezone.now() + FUTURE_ALLOWANCE


def check_recorded(value: datetime) -> datetime:
    """The value, or ValueError unless it is a plausible date of something that happened."""
    check_offset(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value < EARLIEST:
        raise ValueError(gettext_noop("The date must be in 1900 or later."))
    if value > latest_plausible():
        raise ValueError(gettext_noop("The date is more than a year in the future."))
    return value
