"""``python -m bench.sla_recompute --tickets 5000``: what an SLA policy change costs the request.

Against the (migrated, otherwise empty) database of ``DATABASE_URL``: ``--tickets`` open tickets
under one business-hours policy; then times, twice, the old in-request recompute (all open
tickets' due times cleared and filled again, as ``save_policy`` did before), the save as it is
now (the recompute only recorded; its job is timed apart, not sent) and the background job,
first with every ticket moving, then again with none (idempotent: nothing written).
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=5000)
    args = parser.parse_args()
    django.setup()
    from django.utils import timezone

    from smartcrm.customers.models import Customer
    from smartcrm.support import jobs, recompute
    from smartcrm.support.models import DueTimeRecompute, Ticket
    from smartcrm.support.sla import OPEN_STATUSES, fill_missing_due_times, save_calendar, save_policy

    if Ticket.objects.exists():
        raise SystemExit("use an empty database")
    now = timezone.now()
    customer = Customer.objects.create(name="Bench", created_at=now)
    Ticket.objects.bulk_create(
        [
            Ticket(
                customer=customer, subject=f"T{i}", created_at=now - timedelta(minutes=i), last_message_at=now
            )
            for i in range(args.tickets)
        ],
        batch_size=2000,
    )
    office = save_calendar(
        actor="bench",
        values={
            "name": "Office",
            "time_zone": "Europe/Berlin",
            "weekly_hours": [[(540, 1020)]] * 5 + [[], []],
            "holidays": [date(2026, 12, 25)],
        },
    )
    sent: list[int] = []
    jobs.recompute_due_times.connect(sent.append)  # recorded, not run: timed below

    def values(hours: int) -> dict[str, Any]:
        return {
            "name": "Default",
            "priority": "",
            "channel": "",
            "first_response_hours": Decimal(hours),
            "resolution_hours": Decimal(16),
            "calendar": office,
        }

    policy = save_policy(actor="bench", values=values(4))
    for hours in (5, 6):
        started = time.perf_counter()
        Ticket.objects.filter(status__in=OPEN_STATUSES).update(
            first_response_due_at=None, resolution_due_at=None
        )
        fill_missing_due_times()
        old = time.perf_counter() - started
        started = time.perf_counter()
        save_policy(actor="bench", values=values(hours), policy=policy)
        save = time.perf_counter() - started
        started = time.perf_counter()
        run = recompute.run_recompute(sent[-1])
        job = time.perf_counter() - started
        started = time.perf_counter()
        again = recompute.run_recompute(DueTimeRecompute.objects.create(requested_at=timezone.now()).pk)
        rerun = time.perf_counter() - started
        print(
            f"{args.tickets} open tickets: old in-request recompute {old:.2f} s; "
            f"save now {save * 1000:.0f} ms; job {job:.2f} s ({run.changed} moved); "
            f"job again {rerun:.2f} s ({again.changed} moved)"
        )


if __name__ == "__main__":
    main()
