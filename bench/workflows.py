"""``python -m bench.workflows``: do workflows fire exactly once?

Replays, in-process (Celery eager, as the embedded demo runs):

1. **Record events**: ``--events`` (10,000) "customer changed" events on ``--customers``
   customers, each delivered **twice** (the second copy of each comes back later, shuffled
   among the others), to an enabled workflow whose condition leaves out the customers of one
   country. Each event must start exactly one run that does its action once; an event of a
   left-out customer none.
2. **Timed triggers**: 1,000 "3 days after the last order" due times (250 customers × 4
   workflows: Europe/Berlin and America/New_York, at 01:30 and at 02:30 local time, the hours
   the clocks skip or repeat) falling the day before, of and after the spring and autumn changes
   of 2026 in both zones; plus a daily 02:30 cron line in each zone. A simulated clock runs the
   sweeper every 5 minutes (each tick twice, as two sweepers would) from two days before to
   three days after each of the four changes. The expected instant of each wall time is found
   independently, by scanning UTC minutes for the first whose local time has reached it.

Duplicates (a run or an action too many), misses (an expected firing without its run) and
wrong times (a run whose instant is not the expected one) are reported: target 0, 0, 0.
Trigger-to-action time with Celery on Redis is measured by
``tests/automation/test_celery_worker.py`` (a real worker).

Runs on a fresh SQLite database in a temporary directory (or ``--database-url``).
Results go to stdout and ``bench/results/workflows.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

RESULTS = Path(__file__).parent / "results"
ZONES = ("Europe/Berlin", "America/New_York")
AT_TIMES = ("01:30", "02:30")
TRANSITIONS = {  # 2026: (zone, local date of the change)
    "Europe/Berlin spring": ("Europe/Berlin", date(2026, 3, 29)),
    "America/New_York spring": ("America/New_York", date(2026, 3, 8)),
    "Europe/Berlin autumn": ("Europe/Berlin", date(2026, 10, 25)),
    "America/New_York autumn": ("America/New_York", date(2026, 11, 1)),
}
# The sweeper's clock runs over two days either side of each change.
PERIODS = tuple(
    (
        datetime.combine(day - timedelta(days=2), wall_time(0), tzinfo=UTC),
        datetime.combine(day + timedelta(days=3), wall_time(0), tzinfo=UTC),
    )
    for _, day in sorted(TRANSITIONS.values(), key=lambda t: t[1])
)
TICK = timedelta(minutes=5)
DAYS_AFTER = 3


def expected_instant(day: date, wall: wall_time, zone: ZoneInfo) -> datetime:
    """The first UTC minute at which the local clock in ``zone`` shows ``day`` ``wall`` or later
    (a brute-force scan, independent of ``automation.schedule``)."""
    target = datetime.combine(day, wall)
    minute = datetime.combine(day, wall_time(0), tzinfo=UTC) - timedelta(hours=16)
    while minute.astimezone(zone).replace(tzinfo=None) < target:
        minute += timedelta(minutes=1)
    return minute


def _customers(n: int, country_of: Any) -> list[int]:
    from django.utils import timezone

    from smartcrm.customers.models import Customer

    now = timezone.now()
    rows = [
        Customer(
            name=f"Replay {i}",
            first_name="Replay",
            email=f"replay{i}@example.com",
            country=country_of(i),
            created_at=now,
        )
        for i in range(n)
    ]
    return [c.pk for c in Customer.objects.bulk_create(rows, batch_size=2000)]


def replay_records(n_events: int, n_customers: int, seed: int) -> dict[str, Any]:
    from smartcrm.automation import services
    from smartcrm.automation.context import customer_values
    from smartcrm.automation.models import StepLog, WorkflowRun

    workflow = services.create_workflow(
        actor="bench",
        name="Replay: customer changed",
        trigger={"type": "record", "entity": "customer", "action": "changed"},
        conditions={"field": "customer.country", "op": "!=", "value": "XX"},
        steps=[{"action": "add_tag", "tag": "replayed"}],
        enabled=True,
    )
    services.forget_listening()
    ids = _customers(n_customers, lambda i: "XX" if i % 10 == 0 else "DE")
    rng = random.Random(seed)
    events = [(f"customer:{ids[i % len(ids)]}:changed:{i}", ids[i % len(ids)]) for i in range(n_events)]
    deliveries = events + events
    rng.shuffle(deliveries)
    contexts: dict[int, dict[str, Any]] = {}
    started = time.perf_counter()
    for event_id, customer_id in deliveries:
        if customer_id not in contexts:
            contexts[customer_id] = customer_values(customer_id) | {"event": "customer.changed"}
        services.fire(
            "record:customer:changed",
            event="customer.changed",
            event_id=event_id,
            context=contexts[customer_id],
            customer_id=customer_id,
        )
    seconds = time.perf_counter() - started
    excluded = set(ids[::10])
    expected = {e for e, c in events if c not in excluded}
    runs = Counter(
        key.rsplit("|", 1)[0]
        for key in WorkflowRun.objects.filter(workflow=workflow).values_list("idempotency_key", flat=True)
    )
    actions = Counter(
        key.rsplit("|", 1)[0]
        for key in StepLog.objects.filter(run__workflow=workflow, kind="add_tag", status="done").values_list(
            "run__idempotency_key", flat=True
        )
    )
    latency = [
        (log.started_at - log.run.triggered_at).total_seconds() * 1000
        for log in StepLog.objects.filter(run__workflow=workflow, kind="add_tag").select_related("run")
    ]
    latency.sort()
    return {
        "events": n_events,
        "deliveries": len(deliveries),
        "expected_runs": len(expected),
        "runs": sum(runs.values()),
        "duplicates": sum(max(0, n - 1) for n in runs.values())
        + sum(max(0, n - 1) for n in actions.values())
        + sum(1 for e in runs if e not in expected),
        "misses": sum(1 for e in expected if runs[e] == 0 or actions[e] == 0),
        "seconds": round(seconds, 1),
        "deliveries_per_second": round(len(deliveries) / seconds, 1),
        "in_process_trigger_to_action_p95_ms": round(latency[int(0.95 * (len(latency) - 1))], 1)
        if latency
        else None,
    }


def replay_timed(n_customers: int, tick: timedelta = TICK) -> dict[str, Any]:
    from smartcrm.automation import services
    from smartcrm.automation.models import TimedTrigger, WorkflowRun

    after_order = {
        (zone, at): services.create_workflow(
            actor="bench",
            name=f"Replay: 3 days after the last order, {at} {zone}",
            trigger={
                "type": "time",
                "schedule": "after_last_order",
                "days": DAYS_AFTER,
                "at": at,
                "time_zone": zone,
            },
            steps=[{"action": "add_tag", "tag": "timed"}],
            enabled=True,
        )
        for zone in ZONES
        for at in AT_TIMES
    }
    services.forget_listening()
    ids = _customers(n_customers, lambda i: "US")
    transitions = list(TRANSITIONS.values())
    expected: dict[tuple[int, int], datetime] = {}  # (workflow, customer) → instant
    for i, customer_id in enumerate(ids):
        change_zone, change_day = transitions[i % len(transitions)]
        due_day = change_day + timedelta(days=(i // len(transitions)) % 3 - 1)
        # noon in the zone of the change, three local days before: the same local date in both zones
        placed = datetime.combine(
            due_day - timedelta(days=DAYS_AFTER), wall_time(12), tzinfo=ZoneInfo(change_zone)
        )
        services.schedule_after_order(customer_id, placed)
        for (zone, at), workflow in after_order.items():
            local_day = placed.astimezone(ZoneInfo(zone)).date() + timedelta(days=DAYS_AFTER)
            hour, minute = (int(x) for x in at.split(":"))
            expected[(workflow.pk, customer_id)] = expected_instant(
                local_day, wall_time(hour, minute), ZoneInfo(zone)
            )
    timed_triggers = TimedTrigger.objects.count()

    cron_expected: dict[int, set[datetime]] = {}
    sweeps = fired = 0
    started = time.perf_counter()
    for start, end in PERIODS:
        crons = [
            services.create_workflow(
                actor="bench",
                name=f"Replay: daily 02:30 {zone} from {start:%b %d}",
                trigger={"type": "time", "schedule": "cron", "cron": "30 2 * * *", "time_zone": zone},
                steps=[{"action": "notify_staff", "role": "manager", "message": "Daily"}],
                enabled=True,
                now=start,
            )
            for zone in ZONES
        ]
        for cron in crons:
            zone = ZoneInfo(cron.current_version.trigger["time_zone"])
            days = (end - start).days + 2
            cron_expected[cron.pk] = {
                instant
                for d in range(days)
                if start
                < (instant := expected_instant(start.date() + timedelta(days=d), wall_time(2, 30), zone))
                <= end
            }
        now = start
        while now <= end:
            for _ in range(2):  # two sweepers at the same moment
                fired += services.sweep(now)["fired"]
                sweeps += 1
            now += tick
        for cron in crons:
            services.set_enabled(actor="bench", workflow=cron, enabled=False, now=end)
    seconds = time.perf_counter() - started

    runs = Counter(
        WorkflowRun.objects.filter(event="time.after_last_order").values_list("workflow_id", "customer_id")
    )
    duplicates = sum(n - 1 for n in runs.values() if n > 1)
    misses = sum(1 for key in expected if runs[key] == 0)
    wrong = 0
    for run in WorkflowRun.objects.filter(event="time.after_last_order"):
        if expected.get((run.workflow_id, run.customer_id)) != run.triggered_at:
            wrong += 1
    cron_runs: dict[int, list[datetime]] = {}
    for workflow_id, at in WorkflowRun.objects.filter(event="time.cron").values_list(
        "workflow_id", "triggered_at"
    ):
        cron_runs.setdefault(workflow_id, []).append(at)
    for workflow_id, instants in cron_expected.items():
        got = cron_runs.get(workflow_id, [])
        duplicates += len(got) - len(set(got))
        misses += len(instants - set(got))
        wrong += len(set(got) - instants)
    unfinished = WorkflowRun.objects.exclude(status="succeeded").filter(event__startswith="time.").count()
    per_transition = {
        name: sum(
            1
            for (workflow_id, _), instant in expected.items()
            if instant.astimezone(ZoneInfo(zone)).date() == day
        )
        for name, (zone, day) in TRANSITIONS.items()
    }
    return {
        "timed_triggers": timed_triggers,
        "cron_firings_expected": sum(len(v) for v in cron_expected.values()),
        "due_on_a_change_day": per_transition,
        "sweeps": sweeps,
        "fired": fired,
        "duplicates": duplicates,
        "misses": misses,
        "wrong_time": wrong,
        "runs_not_succeeded": unfinished,
        "seconds": round(seconds, 1),
    }


def replay(
    n_events: int = 10_000,
    n_customers: int = 2_000,
    n_timed_customers: int = 250,
    seed: int = 7,
    tick: timedelta = TICK,
) -> dict[str, Any]:
    """Both replays on the configured database (migrated, Django set up)."""
    records = replay_records(n_events, n_customers, seed)
    timed = replay_timed(n_timed_customers, tick)
    return {
        "records": records,
        "timed": timed,
        "duplicates": records["duplicates"] + timed["duplicates"],
        "misses": records["misses"] + timed["misses"],
        "wrong_time": timed["wrong_time"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--customers", type=int, default=2_000)
    parser.add_argument("--timed-customers", type=int, default=250, help="× 4 workflows = timed triggers")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--output", default=str(RESULTS / "workflows.json"))
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="smartcrm-bench-workflows-")
    os.environ["SMARTCRM_DATA_DIR"] = scratch
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.pop("REDIS_URL", None)  # in-process, as the embedded demo runs
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcrm.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    result = replay(args.events, args.customers, args.timed_customers, args.seed)
    result["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count()}
    result["target"] = {"duplicates": 0, "misses": 0}
    result["met"] = result["duplicates"] == 0 and result["misses"] == 0 and result["wrong_time"] == 0
    print(json.dumps(result, indent=2, default=str))
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
