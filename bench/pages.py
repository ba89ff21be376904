"""``python -m bench.pages --database NAME [--requests N] [--cprofile ACTION] [--json]``: what each
action of ``bench.load``'s mix costs the server, one request at a time.

``bench.load`` measures the web tier under concurrency, where every request also waits for the
others; this measures one request of each action alone, in process, through Django's test client
(the whole middleware stack, a real session, the same URLs, forms and API token as the load
users) on the shop already in ``--database`` (or one of ``--customers`` generated there):

- wall time p50/p95 (Python and PostgreSQL together: on one machine they share the cores),
- CPU time of this process (Python's share: views, templates, middleware, ORM),
- SQL statements per request and their time (``connection.execute_wrapper``),

``--requests`` times each after a warm-up. ``--cprofile ACTION`` prints the functions that took
the most time for that action (``--sort``) (``list with filters``, ``customer 360``, …).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from bench.load import FILTERS, MIX, Shop, prepare_shop
from bench.refresh import database_url, ensure_shop


@dataclass
class Sample:
    wall_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)


@dataclass
class SqlTally:
    count: int = 0
    seconds: float = 0.0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


@contextmanager
def counting_sql() -> Iterator[SqlTally]:
    from django.db import connection

    tally = SqlTally()
    with connection.execute_wrapper(tally):
        yield tally


def requests_for(shop: Shop, rng: random.Random, tag: str) -> dict[str, Callable[[Any], Any]]:
    """Each action of bench.load's MIX as a test-client call returning the response and the
    statuses it must have."""
    api = {"HTTP_AUTHORIZATION": f"Bearer {shop.token}"}

    def api_read(client: Any) -> tuple[Any, tuple[int, ...]]:
        if rng.random() < 0.5:
            return client.get("/api/v1/customers", {"limit": "25"}, **api), (200,)
        return client.get(f"/api/v1/customers/{rng.choice(shop.customers)}", **api), (200,)

    return {
        "list with filters": lambda c: (c.get("/customers/", rng.choice(FILTERS)), (200,)),
        "search": lambda c: (c.get("/customers/", {"q": rng.choice(shop.words)}), (200,)),
        "customer 360": lambda c: (c.get(f"/customers/{rng.choice(shop.customers)}/"), (200,)),
        "api read": api_read,
        "add note": lambda c: (
            c.post(
                f"/customers/{rng.choice(shop.customers)}/notes/",
                {"body": f"{tag} called back about the order"},
                HTTP_HX_REQUEST="true",
            ),
            (200,),
        ),
        "ticket reply": lambda c: (
            c.post(
                f"/inbox/{rng.choice(shop.tickets)}/reply/",
                {"body": f"{tag} checked with the warehouse", "internal": "on"},
            ),
            (302,),
        ),
    }


def run_one(client: Any, call: Callable[[Any], Any], sample: Sample | None) -> None:
    with counting_sql() as sql:
        cpu, wall = time.process_time(), time.perf_counter()
        response, expected = call(client)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if response.status_code not in expected:
        raise SystemExit(f"bench.pages: {response.status_code} for {response.request}")
    if sample is not None:
        sample.wall_ms.append(wall * 1000)
        sample.cpu_ms.append(cpu * 1000)
        sample.queries.append(sql.count)
        sample.sql_ms.append(sql.seconds * 1000)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def summary(sample: Sample) -> dict[str, float]:
    return {
        "requests": len(sample.wall_ms),
        "p50_ms": round(statistics.median(sample.wall_ms), 1),
        "p95_ms": round(p95(sample.wall_ms), 1),
        "cpu_ms_mean": round(statistics.fmean(sample.cpu_ms), 1),
        "sql_statements_mean": round(statistics.fmean(sample.queries), 1),
        "sql_statements_max": max(sample.queries),
        "sql_ms_mean": round(statistics.fmean(sample.sql_ms), 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", required=True, help="the PostgreSQL database holding the shop")
    parser.add_argument("--customers", type=int, default=0, help="generate a shop this size unless there")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cprofile", choices=sorted(MIX), help="profile this action instead")
    parser.add_argument("--sort", default="cumulative", help="--cprofile's order: cumulative, tottime, …")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    args = parser.parse_args(argv)

    os.environ["DATABASE_URL"] = database_url(os.environ.get("DATABASE_URL", ""), args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcrm.settings")
    import django

    django.setup()
    from django.test import Client

    from smartcrm.accounts.models import User

    if args.customers:
        ensure_shop(args.customers, args.seed, quiet=True)
    shop = prepare_shop(1, args.seed)
    client = Client()
    client.force_login(User.objects.get(pk=shop.user_ids[0]))
    rng = random.Random(args.seed)
    calls = requests_for(shop, rng, f"[pages {time.time():.0f}]")
    names = [args.cprofile] if args.cprofile else list(MIX)
    for name in names:  # warm-up: imports, templates, translations, the connection
        for _ in range(10):
            run_one(client, calls[name], None)
    if args.cprofile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            run_one(client, calls[args.cprofile], None)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(45)
        print(out.getvalue())
        return
    samples = {name: Sample() for name in names}
    for _ in range(args.requests):  # interleaved, so a slow minute of the machine hits every action
        for name in names:
            run_one(client, calls[name], samples[name])
    figures = {name: summary(sample) for name, sample in samples.items()}
    from smartcrm.customers.models import Customer

    result = {
        "customers_in_shop": Customer.objects.count(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "per_action": figures,
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"{'action':18s} {'p50':>8s} {'p95':>8s} {'cpu':>8s} {'sql n':>6s} {'sql ms':>7s}")
    for name, row in figures.items():
        print(
            f"{name:18s} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} {row['cpu_ms_mean']:8.1f} "
            f"{row['sql_statements_mean']:6.1f} {row['sql_ms_mean']:7.1f}"
        )


if __name__ == "__main__":
    main()
