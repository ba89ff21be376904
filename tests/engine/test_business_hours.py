"""Business-hours arithmetic: nights, weekends, holidays, lunch breaks and the days the clocks
change (Europe/Berlin and America/New_York in 2026; Asia/Shanghai has no DST)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from smartcrm.engine.business_hours import (
    CalendarError,
    WorkCalendar,
    add_business_time,
    add_hours,
    business_hours_between,
    business_time_between,
    format_day_hours,
    local_instant,
    parse_day_hours,
)

BERLIN, NEW_YORK, SHANGHAI = "Europe/Berlin", "America/New_York", "Asia/Shanghai"
NINE_TO_FIVE = ((540, 1020),)


def office(
    tz: str, *, holidays: tuple[date, ...] = (), day: tuple[tuple[int, int], ...] = NINE_TO_FIVE
) -> WorkCalendar:
    """Monday to Friday, ``day``'s hours; closed at weekends."""
    return WorkCalendar(tz, (day,) * 5 + ((), ()), frozenset(holidays))


def always(tz: str) -> WorkCalendar:
    return WorkCalendar(tz, (((0, 1440),),) * 7)


def at(tz: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(tz))  # type: ignore[misc]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def test_within_one_day() -> None:
    assert add_business_time(at(BERLIN, 2026, 12, 7, 10), hours(3), office(BERLIN)) == utc(2026, 12, 7, 12)


def test_exactly_the_remaining_hours_end_at_closing_not_next_morning() -> None:
    assert add_business_time(at(BERLIN, 2026, 12, 7, 9), hours(8), office(BERLIN)) == utc(2026, 12, 7, 16)


def test_created_at_closing_time_counts_from_next_opening() -> None:
    due = add_business_time(at(BERLIN, 2026, 12, 7, 17), hours(1), office(BERLIN))
    assert due == at(BERLIN, 2026, 12, 8, 10)


def test_created_in_the_night_counts_from_the_morning() -> None:
    assert add_business_time(at(BERLIN, 2026, 12, 8, 20, 30), hours(2), office(BERLIN)) == at(
        BERLIN, 2026, 12, 9, 11
    )
    assert add_business_time(at(BERLIN, 2026, 12, 9, 3), hours(2), office(BERLIN)) == at(
        BERLIN, 2026, 12, 9, 11
    )


def test_created_on_saturday_is_due_on_monday() -> None:
    assert add_business_time(at(BERLIN, 2026, 12, 12, 11), hours(2), office(BERLIN)) == at(
        BERLIN, 2026, 12, 14, 11
    )


def test_target_spanning_a_weekend() -> None:
    # Friday 15:00 + 10 h: 2 h on Friday, 8 h on Monday -> Monday 17:00.
    assert add_business_time(at(BERLIN, 2026, 12, 11, 15), hours(10), office(BERLIN)) == at(
        BERLIN, 2026, 12, 14, 17
    )
    # ... + 11 h runs into Tuesday morning.
    assert add_business_time(at(BERLIN, 2026, 12, 11, 15), hours(11), office(BERLIN)) == at(
        BERLIN, 2026, 12, 15, 10
    )


def test_holidays_are_closed_all_day() -> None:
    xmas = office(BERLIN, holidays=(date(2026, 12, 24), date(2026, 12, 25)))
    # Created on a holiday (Thursday 24th): Friday 25th is one too, so Monday 28th.
    assert add_business_time(at(BERLIN, 2026, 12, 24, 10), hours(1), xmas) == at(BERLIN, 2026, 12, 28, 10)
    # Wednesday 16:00 + 4 h: one hour on Wednesday, three on Monday.
    assert add_business_time(at(BERLIN, 2026, 12, 23, 16), hours(4), xmas) == at(BERLIN, 2026, 12, 28, 12)
    assert business_time_between(at(BERLIN, 2026, 12, 23, 16), at(BERLIN, 2026, 12, 28, 12), xmas) == hours(4)


def test_lunch_break_in_shanghai() -> None:
    cal = office(SHANGHAI, day=parse_day_hours("09:00-12:00, 13:00-18:00"))
    # 11:30 + 4 h: half an hour before lunch, 3.5 after -> 16:30 (08:30 UTC).
    assert add_business_time(at(SHANGHAI, 2026, 12, 7, 11, 30), hours(4), cal) == utc(2026, 12, 7, 8, 30)
    # Created during lunch: counts from 13:00.
    assert add_business_time(at(SHANGHAI, 2026, 12, 7, 12, 15), hours(1), cal) == at(
        SHANGHAI, 2026, 12, 7, 14
    )
    # Friday 17:00 + 9 h: 1 h on Friday, 8 h (a whole day) on Monday -> Monday 18:00.
    assert add_business_time(at(SHANGHAI, 2026, 12, 11, 17), hours(9), cal) == at(SHANGHAI, 2026, 12, 14, 18)


def test_shanghai_and_berlin_differ_by_the_offset() -> None:
    start = utc(2026, 12, 7, 0)  # 08:00 in Shanghai, 01:00 in Berlin
    assert add_business_time(start, hours(1), office(SHANGHAI)) == at(SHANGHAI, 2026, 12, 7, 10)
    assert add_business_time(start, hours(1), office(BERLIN)) == at(BERLIN, 2026, 12, 7, 10)


def test_weekend_across_the_spring_change_in_berlin() -> None:
    # Friday 27 March 2026 16:00 CET (15:00 UTC) + 2 h: 1 h on Friday, then Monday 09:00 CEST + 1 h.
    due = add_business_time(at(BERLIN, 2026, 3, 27, 16), hours(2), office(BERLIN))
    assert due == utc(2026, 3, 30, 8)  # 10:00 CEST
    assert due.astimezone(ZoneInfo(BERLIN)).hour == 10


def test_weekend_across_the_autumn_change_in_new_york() -> None:
    # Friday 30 October 2026 16:00 EDT + 2 h: Monday 2 November 10:00 EST (15:00 UTC).
    due = add_business_time(at(NEW_YORK, 2026, 10, 30, 16), hours(2), office(NEW_YORK))
    assert due == utc(2026, 11, 2, 15)


def test_around_the_clock_counts_real_hours_on_dst_days() -> None:
    berlin, new_york = always(BERLIN), always(NEW_YORK)
    # Berlin: 29 March 2026 has 23 hours, 25 October 2026 has 25.
    assert business_time_between(at(BERLIN, 2026, 3, 29, 0), at(BERLIN, 2026, 3, 30, 0), berlin) == hours(23)
    assert business_time_between(at(BERLIN, 2026, 10, 25, 0), at(BERLIN, 2026, 10, 26, 0), berlin) == hours(
        25
    )
    # New York: 8 March 2026 has 23 hours, 1 November 2026 has 25.
    assert business_time_between(at(NEW_YORK, 2026, 3, 8, 0), at(NEW_YORK, 2026, 3, 9, 0), new_york) == hours(
        23
    )
    assert business_time_between(
        at(NEW_YORK, 2026, 11, 1, 0), at(NEW_YORK, 2026, 11, 2, 0), new_york
    ) == hours(25)
    # 24 h from Saturday noon in Berlin is Sunday 13:00 on the clock: real hours, not wall hours.
    due = add_business_time(at(BERLIN, 2026, 3, 28, 12), hours(24), berlin)
    assert due == utc(2026, 3, 29, 11)
    assert due.astimezone(ZoneInfo(BERLIN)).hour == 13


def test_opening_hours_over_the_skipped_and_the_repeated_hour() -> None:
    # A Sunday shift 01:00-04:00: two real hours on the spring day, four on the autumn day.
    shift = WorkCalendar(BERLIN, ((),) * 6 + (((60, 240),),))
    assert business_time_between(at(BERLIN, 2026, 3, 29, 0), at(BERLIN, 2026, 3, 30, 0), shift) == hours(2)
    assert business_time_between(at(BERLIN, 2026, 10, 25, 0), at(BERLIN, 2026, 10, 26, 0), shift) == hours(4)
    ny = WorkCalendar(NEW_YORK, ((),) * 6 + (((0, 180),),))
    assert business_time_between(at(NEW_YORK, 2026, 11, 1, 0), at(NEW_YORK, 2026, 11, 2, 0), ny) == hours(4)
    assert business_time_between(at(NEW_YORK, 2026, 3, 8, 0), at(NEW_YORK, 2026, 3, 9, 0), ny) == hours(2)
    # 3 h from the start of the autumn shift: 01:00 CEST + 3 real hours = 03:00 CET (02:00 UTC).
    assert add_business_time(at(BERLIN, 2026, 10, 25, 1), hours(3), shift) == utc(2026, 10, 25, 2)


def test_a_time_in_the_skipped_hour_is_the_jump() -> None:
    tz = ZoneInfo(BERLIN)
    # 02:30 does not exist on 29 March 2026: the clock jumps from 02:00 CET to 03:00 CEST (01:00 UTC).
    assert local_instant(date(2026, 3, 29), 150, tz) == utc(2026, 3, 29, 1)
    # 02:30 happens twice on 25 October 2026: 00:30 UTC (CEST) and 01:30 UTC (CET).
    assert local_instant(date(2026, 10, 25), 150, tz) == utc(2026, 10, 25, 0, 30)
    assert local_instant(date(2026, 10, 25), 150, tz, last=True) == utc(2026, 10, 25, 1, 30)
    shift = WorkCalendar(BERLIN, ((),) * 6 + (((150, 300),),))  # Sunday 02:30-05:00
    assert add_business_time(at(BERLIN, 2026, 3, 28, 12), hours(1), shift) == utc(
        2026, 3, 29, 2
    )  # 04:00 CEST


def test_night_shift_across_midnight() -> None:
    nights = WorkCalendar(SHANGHAI, (((0, 360), (1320, 1440)),) * 7)  # 22:00-06:00 every night
    # 23:00 + 3 h: one hour before midnight, two after -> 02:00.
    assert add_business_time(at(SHANGHAI, 2026, 12, 7, 23), hours(3), nights) == at(SHANGHAI, 2026, 12, 8, 2)
    # Created at noon: the night shift starts at 22:00.
    assert add_business_time(at(SHANGHAI, 2026, 12, 7, 12), hours(1), nights) == at(SHANGHAI, 2026, 12, 7, 23)


def test_between_is_the_inverse_of_add() -> None:
    cal = office(NEW_YORK, holidays=(date(2026, 11, 26),), day=parse_day_hours("08:30-12:00,13:00-17:30"))
    start = at(NEW_YORK, 2026, 10, 28, 7, 13)
    for n in (0.25, 1, 7.5, 8, 9, 30, 80, 200):
        due = add_business_time(start, hours(n), cal)
        assert business_time_between(start, due, cal) == hours(n)
    assert business_time_between(start, start - hours(5), cal) == timedelta(0)


def test_a_zero_target_is_the_start_and_no_calendar_means_wall_clock() -> None:
    start = at(BERLIN, 2026, 12, 12, 23)  # a Saturday night
    assert add_business_time(start, timedelta(0), office(BERLIN)) == start
    assert add_hours(start, 5, None) == start + hours(5)
    assert business_hours_between(start, start + hours(5), None) == 5
    assert business_hours_between(start, at(BERLIN, 2026, 12, 14, 10, 30), office(BERLIN)) == 1.5


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        add_business_time(datetime(2026, 12, 7, 10), hours(1), office(BERLIN))  # noqa: DTZ001


def test_a_target_the_calendar_never_reaches() -> None:
    minute_a_week = WorkCalendar(BERLIN, (((540, 541),),) + ((),) * 6)
    with pytest.raises(CalendarError) as error:
        add_business_time(at(BERLIN, 2026, 12, 7, 10), hours(1000), minute_a_week)
    assert error.value.code == "unreachable"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ()),
        ("09:00-17:00", ((540, 1020),)),
        (" 13:00 - 18:00 , 9:00-12:00 ", ((540, 720), (780, 1080))),
        ("22:00-24:00", ((1320, 1440),)),
        ("00:00-24:00", ((0, 1440),)),
    ],
)
def test_parse_day_hours(text: str, expected: tuple[tuple[int, int], ...]) -> None:
    assert parse_day_hours(text) == expected
    assert parse_day_hours(format_day_hours(expected)) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("9-17", "format"),
        ("09:00", "format"),
        ("17:00-09:00", "interval"),
        ("09:00-09:00", "interval"),
        ("09:00-25:00", "format"),
        ("09:60-10:00", "format"),
        ("09:00-13:00, 12:00-18:00", "overlap"),
    ],
)
def test_parse_day_hours_refuses(text: str, code: str) -> None:
    with pytest.raises(CalendarError) as error:
        parse_day_hours(text)
    assert error.value.code == code


def test_a_calendar_needs_a_zone_and_some_opening_hours() -> None:
    with pytest.raises(CalendarError) as error:
        WorkCalendar("Mars/Olympus", (NINE_TO_FIVE,) * 7)
    assert error.value.code == "time_zone"
    with pytest.raises(CalendarError) as error:
        WorkCalendar(BERLIN, ((),) * 7)
    assert error.value.code == "closed"
    with pytest.raises(CalendarError):
        WorkCalendar(BERLIN, (NINE_TO_FIVE,) * 5)
    assert office(BERLIN).weekly_hours() == 40
