"""When timed triggers are due: wall-clock times in the shop's time zone, stored in UTC.

Every due time a workflow waits for is stored as a UTC instant and found by one sweeper
(:func:`smartcrm.automation.services.sweep`). The wall time a person wrote ("09:00", a cron
line) becomes an instant here, once, with the daylight-saving rules of ``zoneinfo``:

- a wall time that happens twice (autumn, 02:30 in Berlin) fires at its first occurrence;
- a wall time that does not happen (spring, 02:30 in Berlin) fires when the clock jumps over it
  (03:00 local), as cron does: never skipped, never early.

Dates a customer owns: N days before their **birthday** each year (a 29 February birthday is
kept on 28 February in common years) and N days before their next **renewal**, at a wall time.

Cron lines have the five classic fields (minute hour day-of-month month day-of-week; ``*``,
lists, ranges and ``/steps``; Sunday is 0 or 7) and are matched against wall times, so a daily
02:30 job fires once on each of the two change days.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_RANGES = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]


class BadCron(ValueError):
    pass


def _field(text: str, low: int, high: int) -> set[int]:
    values: set[int] = set()
    for part in text.split(","):
        body, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if body == "*":
            start, end = low, high
        elif "-" in body:
            a, b = body.split("-", 1)
            start, end = int(a), int(b)
        else:
            start = int(body)
            end = high if step_text else start
        if not (low <= start <= end <= high) or step < 1:
            raise BadCron(f"{part!r} is outside {low}-{high}")
        values.update(range(start, end + 1, step))
    return values


def parse_cron(line: str) -> tuple[set[int], set[int], set[int], set[int], set[int], bool, bool]:
    """The minutes, hours, days, months and weekdays (Monday 0) of a cron line; raises BadCron."""
    parts = line.split()
    if len(parts) != 5:
        raise BadCron("A cron line has five fields: minute hour day month weekday.")
    try:
        minutes, hours, days, months, cron_weekdays = (
            _field(p, lo, hi) for p, (lo, hi) in zip(parts, _RANGES, strict=True)
        )
    except ValueError as exc:
        raise BadCron(str(exc) or "Not a cron line.") from exc
    weekdays = {(d - 1) % 7 for d in cron_weekdays}  # cron: Sunday 0/7; Python: Monday 0
    return minutes, hours, days, months, weekdays, parts[2] == "*", parts[4] == "*"


def to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of the wall time ``day`` ``at`` in ``zone`` (first one; after a gap)."""
    wall = datetime.combine(day, at)
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first
    # In the spring gap: fold=1 reads the wall time with the offset after the jump, an instant
    # before the gap; walk up to the jump (at most the gap's length, a minute at a time).
    instant = wall.replace(tzinfo=zone, fold=1).astimezone(UTC).replace(second=0, microsecond=0)
    while instant.astimezone(zone).replace(tzinfo=None) < wall:
        instant += timedelta(minutes=1)
    return instant


def next_cron(line: str, after: datetime, zone: ZoneInfo) -> datetime:
    """The first instant strictly after ``after`` (aware) at which ``line`` fires in ``zone``."""
    minutes, hours, days, months, weekdays, any_day, any_weekday = parse_cron(line)
    day = after.astimezone(zone).date() - timedelta(days=1)  # a gap may move yesterday's time later
    for _ in range(366 * 5):
        day_ok = day.day in days
        weekday_ok = day.weekday() in weekdays
        # cron: with both fields restricted, either matching is enough
        matches = (day_ok and weekday_ok) if any_day or any_weekday else (day_ok or weekday_ok)
        if day.month in months and matches:
            for hour in sorted(hours):
                for minute in sorted(minutes):
                    instant = to_utc(day, time(hour, minute), zone)
                    if instant > after:
                        return instant
        day += timedelta(days=1)
    raise BadCron("This cron line never fires.")


def days_after(moment: datetime, days: int, at: time, zone: ZoneInfo) -> datetime:
    """``days`` calendar days after ``moment`` (as a local date in ``zone``), at wall time ``at``."""
    return to_utc(moment.astimezone(zone).date() + timedelta(days=days), at, zone)


def birthday_in(year: int, birthday: date) -> date:
    """The day the birthday falls on in ``year``: 29 February is 28 February in a common year."""
    if (birthday.month, birthday.day) == (2, 29) and not calendar.isleap(year):
        return date(year, 2, 28)
    return date(year, birthday.month, birthday.day)


def before_birthday(birthday: date, days: int, at: time, zone: ZoneInfo, after: datetime) -> datetime:
    """The first instant strictly after ``after`` that is ``days`` calendar days before one of
    the customer's birthdays, at wall time ``at`` in ``zone`` (``days`` up to a year)."""
    year = after.astimezone(zone).year
    for candidate in range(year - 1, year + 3):
        instant = to_utc(birthday_in(candidate, birthday) - timedelta(days=days), at, zone)
        if instant > after:
            return instant
    raise ValueError("days before a birthday must be under a year")


def before_day(day: date, days: int, at: time, zone: ZoneInfo) -> datetime:
    """``days`` calendar days before ``day`` (a renewal date), at wall time ``at`` in ``zone``."""
    return to_utc(day - timedelta(days=days), at, zone)
