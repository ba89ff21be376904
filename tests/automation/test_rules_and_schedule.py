"""The pure parts: rules and their sentence, the compiled program, DST-correct due times."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from smartcrm.automation import rules
from smartcrm.automation.program import compile_steps
from smartcrm.automation.schedule import BadCron, days_after, next_cron, to_utc

BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")

RULE = {
    "all": [
        {"field": "score.churn_risk", "op": ">", "value": 0.7},
        {
            "any": [
                {"field": "score.segment", "op": "in", "value": ["At risk", "Hibernating"]},
                {"not": {"field": "customer.tags", "op": "contains", "value": "vip"}},
            ]
        },
    ]
}


def test_a_rule_holds_reads_as_a_sentence_and_reports_its_mistakes() -> None:
    values = {"score.churn_risk": 0.8, "score.segment": "Champions", "customer.tags": ["vip"]}
    assert not rules.holds(RULE, values)
    assert rules.holds(RULE, values | {"score.segment": "At risk"})
    assert not rules.holds(RULE, values | {"score.churn_risk": None})
    assert rules.holds(None, {})
    assert rules.sentence(RULE) == (
        "churn risk is above 0.7 and "
        "(segment is one of “At risk”, “Hibernating” or not customer tags contains “vip”)"
    )
    assert rules.sentence({}) == "always"
    assert rules.problems(RULE, {"score.churn_risk", "score.segment", "customer.tags"}) == []
    assert rules.problems({"field": "score.nope", "op": "~"}, {"score.churn_risk"}) == [
        "rule: unknown field 'score.nope'",
        "rule: op must be one of =, !=, >, >=, <, <=, in, not in, contains, is set, is not set",
    ]


def test_steps_compile_to_a_flat_program_with_branches_and_waits() -> None:
    program = compile_steps(
        [
            {"action": "add_tag", "tag": "a"},
            {
                "if": {"field": "x", "op": "=", "value": 1},
                "then": [{"action": "add_tag", "tag": "b"}],
                "else": [{"action": "add_tag", "tag": "c"}],
            },
            {"wait": {"days": 1, "hours": 2}},
        ]
    )
    assert [i["op"] for i in program] == ["action", "branch", "action", "jump", "action", "wait"]
    assert program[1]["else"] == 4 and program[3]["to"] == 5
    assert program[5]["seconds"] == 26 * 3600


@pytest.mark.parametrize(
    ("zone", "day", "wall", "utc"),
    [
        (BERLIN, date(2026, 3, 29), time(2, 30), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),  # gap: at the jump
        (BERLIN, date(2026, 10, 25), time(2, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),  # twice: first
        (BERLIN, date(2026, 10, 25), time(9, 0), datetime(2026, 10, 25, 8, 0, tzinfo=UTC)),
        (NEW_YORK, date(2026, 3, 8), time(2, 15), datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),
        (NEW_YORK, date(2026, 11, 1), time(1, 30), datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
        (NEW_YORK, date(2026, 11, 1), time(9, 0), datetime(2026, 11, 1, 14, 0, tzinfo=UTC)),
    ],
)
def test_wall_times_become_utc_instants_across_daylight_saving(
    zone: ZoneInfo, day: date, wall: time, utc: datetime
) -> None:
    assert to_utc(day, wall, zone) == utc


def test_a_daily_cron_fires_once_a_day_through_both_changes() -> None:
    for zone, start in (
        (BERLIN, datetime(2026, 3, 27, tzinfo=UTC)),
        (NEW_YORK, datetime(2026, 10, 30, tzinfo=UTC)),
    ):
        fires, at = [], start
        for _ in range(5):
            at = next_cron("30 2 * * *", at, zone)
            fires.append(at)
        days = [f.astimezone(zone).date() for f in fires]
        assert days == [days[0] + timedelta(days=i) for i in range(5)]
    assert next_cron("0 9 * * 1", datetime(2026, 12, 7, 9, 0, tzinfo=UTC), BERLIN) == datetime(
        2026, 12, 14, 8, 0, tzinfo=UTC
    )
    with pytest.raises(BadCron):
        next_cron("61 * * * *", start, BERLIN)


def test_days_after_an_order_counts_local_calendar_days() -> None:
    placed = datetime(2026, 3, 27, 23, 30, tzinfo=UTC)  # already the 28th in Berlin
    assert days_after(placed, 2, time(9, 0), BERLIN) == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
