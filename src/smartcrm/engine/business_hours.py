"""Business-hours arithmetic: add N opening hours to an instant, measure opening time between two.

A :class:`WorkCalendar` is a week of opening intervals (local wall-clock minutes, Monday first),
an IANA time zone and the holiday dates (local dates, closed all day). Every computation walks
the local days and turns each opening interval into two real instants (UTC), so what counts is
elapsed real time while the shop is open:

* a day the clocks go forward (Europe/Berlin's last Sunday of March) has one hour less where the
  interval covers 02:00–03:00; an opening or closing time inside the skipped hour is the moment
  the clock jumps (03:00);
* a day the clocks go back counts the repeated hour twice: an interval opens at the first time
  its wall-clock time occurs and closes at the last.

Intervals do not cross midnight (a night shift is two intervals, ``22:00-24:00`` and
``00:00-06:00`` on the next day); ``24:00`` closes at the next midnight. Instants in and out are
time-zone aware; results are in UTC. Plain Python, no Django: the SLA services and the support
dashboard call it (``smartcrm.support.sla``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY_MINUTES = 24 * 60
# How far ahead a target may reach: ten years of days. Past it the calendar is (nearly) never open.
MAX_DAYS = 3660
WEEKDAYS = 7

Interval = tuple[int, int]  # minutes after local midnight, start < end <= 1440
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")


class CalendarError(ValueError):
    """A calendar that cannot be used (the message names what; callers translate by ``code``)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class WorkCalendar:
    """Opening hours per weekday (``week[0]`` is Monday), a time zone and holiday dates."""

    time_zone: str
    week: tuple[tuple[Interval, ...], ...]
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        zone(self.time_zone)
        if len(self.week) != WEEKDAYS:
            raise CalendarError("week", "seven weekdays, Monday first")
        for day in self.week:
            _check_intervals(day)
        if not any(self.week):
            raise CalendarError("closed", "no opening hours on any weekday")

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.time_zone)

    def weekly_hours(self) -> float:
        """Opening hours in a week without holidays (wall-clock; for display)."""
        return sum(end - start for day in self.week for start, end in day) / 60


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CalendarError("time_zone", name) from exc


def _check_intervals(day: Iterable[Interval]) -> None:
    previous_end = -1
    for start, end in day:
        if not 0 <= start < end <= DAY_MINUTES:
            raise CalendarError("interval", f"{format_minutes(start)}-{format_minutes(end)}")
        if start < previous_end:
            raise CalendarError("overlap", f"{format_minutes(start)}-{format_minutes(end)}")
        previous_end = end


def parse_day_hours(text: str) -> tuple[Interval, ...]:
    """``"09:00-12:30, 13:30-18:00"`` → ``((540, 750), (810, 1080))``; empty text: closed.

    Intervals come back sorted; overlapping or empty ones raise :class:`CalendarError`.
    """
    intervals: list[Interval] = []
    for part in re.split(r"[,;]", text):
        if not part.strip():
            continue
        match = _RANGE.match(part)
        if match is None:
            raise CalendarError("format", part.strip())
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if m1 > 59 or m2 > 59 or h1 > 24 or h2 > 24:
            raise CalendarError("format", part.strip())
        intervals.append((h1 * 60 + m1, h2 * 60 + m2))
    intervals.sort()
    _check_intervals(intervals)
    return tuple(intervals)


def format_minutes(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_day_hours(intervals: Iterable[Interval]) -> str:
    """The inverse of :func:`parse_day_hours`."""
    return ", ".join(f"{format_minutes(s)}-{format_minutes(e)}" for s, e in intervals)


def _local_naive(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz).replace(tzinfo=None)


def local_instant(day: date, minutes: int, tz: ZoneInfo, *, last: bool = False) -> datetime:
    """The UTC instant the wall clock in ``tz`` reads ``minutes`` after midnight of ``day``.

    A repeated time (clocks going back) is its first occurrence, or its last with ``last``; a
    skipped time (clocks going forward) is the moment the clock jumps over it.
    """
    wall = datetime.combine(day, time()) + timedelta(minutes=minutes)
    early = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    late = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    if early <= late:  # an ordinary time (equal) or a repeated one (early < late)
        return late if last else early
    # Skipped: ``late`` reads before the gap, ``early`` after it; find the jump to the second.
    low, high = late, early
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if _local_naive(middle, tz) >= wall:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


def _open_spans(calendar: WorkCalendar, first_day: date) -> Iterator[tuple[datetime, datetime]]:
    """The opening intervals as UTC instants, from ``first_day`` on, for at most ``MAX_DAYS``."""
    tz = calendar.tz
    for offset in range(MAX_DAYS):
        day = first_day + timedelta(days=offset)
        if day in calendar.holidays:
            continue
        for start, end in calendar.week[day.weekday()]:
            opens = local_instant(day, start, tz)
            closes = local_instant(day, end, tz, last=True)
            if closes > opens:
                yield opens, closes


def _aware(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("business-hours arithmetic takes time-zone aware instants")
    return instant.astimezone(UTC)


def add_business_time(start: datetime, duration: timedelta, calendar: WorkCalendar) -> datetime:
    """The instant (UTC) when ``duration`` of opening time has passed since ``start``.

    Time before the next opening does not count: a ticket opened on Saturday with a 2-hour
    target is due two hours after Monday's opening. A zero duration is ``start`` itself.
    Raises :class:`CalendarError` (``"unreachable"``) past ten years of days.
    """
    start = _aware(start)
    if duration <= timedelta(0):
        return start
    remaining = duration
    first_day = start.astimezone(calendar.tz).date() - timedelta(days=1)
    for opens, closes in _open_spans(calendar, first_day):
        if closes <= start:
            continue
        opens = max(opens, start)
        available = closes - opens
        if remaining <= available:
            return opens + remaining
        remaining -= available
    raise CalendarError("unreachable", str(duration))


def business_time_between(start: datetime, end: datetime, calendar: WorkCalendar) -> timedelta:
    """Opening time from ``start`` to ``end`` (zero when ``end`` is not after ``start``)."""
    start, end = _aware(start), _aware(end)
    if end <= start:
        return timedelta(0)
    total = timedelta(0)
    first_day = start.astimezone(calendar.tz).date() - timedelta(days=1)
    last_day = end.astimezone(calendar.tz).date()
    for opens, closes in _open_spans(calendar, first_day):
        if opens >= end or opens.astimezone(calendar.tz).date() > last_day:
            break
        overlap = min(closes, end) - max(opens, start)
        if overlap > timedelta(0):
            total += overlap
    return total


def business_hours_between(start: datetime, end: datetime, calendar: WorkCalendar | None) -> float:
    """Hours from ``start`` to ``end``: opening hours with a calendar, wall-clock hours without."""
    if calendar is None:
        return max((_aware(end) - _aware(start)).total_seconds(), 0.0) / 3600
    return business_time_between(start, end, calendar).total_seconds() / 3600


def add_hours(start: datetime, hours: float, calendar: WorkCalendar | None) -> datetime:
    """``start`` plus ``hours``: opening hours with a calendar, wall-clock hours (24/7) without."""
    if calendar is None:
        return start + timedelta(hours=hours)
    return add_business_time(start, timedelta(hours=hours), calendar)
