"""``python -m bench.run``: generation throughput and page latency at scale, on PostgreSQL.

Creates (drops first) a dedicated database ``smartcrm_bench`` on the server of
``DATABASE_URL``, so the databases the test suites use are never touched. Then:

1. migrates it and generates ``--customers`` customers (default 1,000,000, about ten million
   order lines), reporting rows/s, order lines/s and the process's peak memory;
2. times the customer list (no filter, name search, email search, filters + sorts) and the
   customer 360 page through Django's test client as a logged-in admin: ``--requests``
   requests each (default 200) after a warm-up, reporting p50 and p95;
3. (unless ``--no-refresh``) times the intelligence refresh — extract, segments, CLV, churn,
   propensity and writing every customer's scores (``smartcrm train``) — per stage, with the
   process's peak memory.

Results are printed and written to ``bench/results/latest.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import secrets
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import psycopg

RESULTS = Path(__file__).parent / "results"
SHOP_END = date(2025, 6, 30)
TARGETS = {"order_lines_per_second": 50_000, "customer_360_p95_ms": 50, "list_p95_ms": 100}


def recreate_database(url: str, name: str) -> str:
    """Drop and create ``name`` next to ``url``'s database; return its URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        sys.exit("bench: DATABASE_URL must point at PostgreSQL (make bench sets it)")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def timed(fn: Callable[[], Any], n: int, warmup: int) -> dict[str, float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    arr = np.array(samples)
    return {
        "p50_ms": round(float(np.percentile(arr, 50)), 1),
        "p95_ms": round(float(np.percentile(arr, 95)), 1),
        "max_ms": round(float(arr.max()), 1),
        "requests": n,
    }


def measure_pages(n: int, seed: int) -> dict[str, dict[str, float]]:
    from django.test import Client

    from smartcrm.accounts.roles import Role
    from smartcrm.accounts.services import ensure_user
    from smartcrm.customers.models import Customer

    rng = random.Random(seed)
    admin = ensure_user(username="bench-admin", password=secrets.token_urlsafe(16), role=Role.ADMIN)
    client = Client()
    client.force_login(admin)
    top = Customer.objects.order_by("-id").values_list("id", flat=True).first() or 1
    ids = [rng.randint(1, top) for _ in range(n * 2)]
    sample = list(Customer.objects.filter(id__in=ids[:300]).exclude(email_hash=""))
    emails = [c.email for c in sample]
    words = [c.last_name.lower()[:4] for c in sample if c.last_name.isascii() and len(c.last_name) >= 4]
    filters = [
        {"country": "US", "sort": "top_spend"},
        {"source": "web", "sort": "most_orders"},
        {"kind": "company", "sort": "newest"},
        {"min_spent": "500", "sort": "recent_order"},
        {"country": "CN", "source": "mobile", "sort": "name"},
    ]

    def get(path: str, data: dict[str, str] | None = None) -> None:
        response = client.get(path, data)
        assert response.status_code == 200, (path, data, response.status_code)

    def post(path: str, data: dict[str, str]) -> None:
        response = client.post(path, data)
        assert response.status_code == 200, (path, data, response.status_code)

    cycle = iter(range(10**9))
    scenarios: dict[str, Callable[[], None]] = {
        "customer list": lambda: get("/customers/"),
        "list: search name": lambda: get("/customers/", {"q": words[next(cycle) % len(words)]}),
        "list: search email": lambda: post("/customers/", {"q": emails[next(cycle) % len(emails)]}),
        "list: filters + sort": lambda: get("/customers/", filters[next(cycle) % len(filters)]),
        "customer 360": lambda: get(f"/customers/{ids[next(cycle) % len(ids)]}/"),
    }
    out = {}
    for name, fn in scenarios.items():
        out[name] = timed(fn, n, warmup=max(10, n // 10))
        print(
            f"  {name:22s} p50 {out[name]['p50_ms']:7.1f} ms   p95 {out[name]['p95_ms']:7.1f} ms", flush=True
        )
    return out


def measure_refresh(shop_end: date) -> dict[str, Any]:
    """``smartcrm train`` on the whole bench shop: seconds per stage and peak memory."""
    from smartcrm.intelligence.training import train

    print("bench: intelligence refresh (train and score everyone)", flush=True)
    started = time.perf_counter()
    result = train(as_of=shop_end - timedelta(days=1), actor="bench")
    figures = {
        "customers_scored": result.customers_scored,
        "seconds": round(time.perf_counter() - started, 1),
        "seconds_per_stage": result.seconds,
        "peak_memory_mb": round(peak_memory_mb()),
        "churn_roc_auc": result.metrics.get("churn", {}).get("roc_auc"),
        "churn_rfm_only_roc_auc": result.metrics.get("churn", {}).get("rfm_only_roc_auc"),
        "propensity_roc_auc": result.metrics.get("propensity_30d", {}).get("roc_auc"),
        "propensity_rfm_only_roc_auc": result.metrics.get("propensity_30d", {}).get("rfm_only_roc_auc"),
    }
    print(
        f"  scored {result.customers_scored:,} customers in {figures['seconds']} s "
        f"(peak memory {figures['peak_memory_mb']} MB): {result.seconds}",
        flush=True,
    )
    return figures


def refresh_only(database: str) -> None:
    """Time the refresh alone on the shop an earlier run generated (``--keep-data``)."""
    parts = urlsplit(os.environ.get("DATABASE_URL", ""))
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{database}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcrm.settings")
    import django

    django.setup()
    figures = measure_refresh(SHOP_END)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "refresh.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--database", default="smartcrm_bench")
    parser.add_argument("--no-refresh", action="store_true", help="skip the intelligence refresh")
    parser.add_argument(
        "--keep-data",
        action="store_true",
        help="reuse the shop an earlier run left in --database: no generation, no page latency",
    )
    args = parser.parse_args(argv)

    if args.keep_data:
        refresh_only(args.database)
        return
    url = recreate_database(os.environ.get("DATABASE_URL", ""), args.database)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcrm.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from smartcrm.demo.loader import ShopLoader
    from smartcrm.synth.spec import ShopSpec

    call_command("migrate", verbosity=0)
    print(f"bench: generating {args.customers:,} customers into {args.database} …", flush=True)
    spec = ShopSpec(n_customers=args.customers, seed=args.seed, end=SHOP_END)
    stats = ShopLoader(spec, progress=sys.stderr.isatty()).run()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        db_bytes = int(cursor.fetchone()[0])
    generation = {
        "customers": args.customers,
        "rows": stats.rows,
        "total_rows": stats.total_rows,
        "seconds": round(stats.seconds, 1),
        "rows_per_second": round(stats.rows_per_second),
        "order_lines_per_second": round(stats.order_lines_per_second),
        "peak_memory_mb": round(peak_memory_mb()),
        "database_mb": round(db_bytes / 2**20),
    }
    print(
        f"  generated {stats.total_rows:,} rows ({stats.rows.get('order_lines', 0):,} order lines) in "
        f"{stats.seconds:.0f} s: {generation['rows_per_second']:,} rows/s, "
        f"{generation['order_lines_per_second']:,} order lines/s, "
        f"peak memory {generation['peak_memory_mb']} MB",
        flush=True,
    )
    print(f"bench: page latency, {args.requests} requests each", flush=True)
    pages = measure_pages(args.requests, args.seed)
    list_p95 = max(v["p95_ms"] for k, v in pages.items() if k != "customer 360")
    refresh_figures = None if args.no_refresh else measure_refresh(spec.end)
    result = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "generation": generation,
        "pages": pages,
        "refresh": refresh_figures,
        "targets": TARGETS,
        "meets_targets": {
            "order_lines_per_second": generation["order_lines_per_second"]
            >= TARGETS["order_lines_per_second"],
            "customer_360_p95_ms": pages["customer 360"]["p95_ms"] <= TARGETS["customer_360_p95_ms"],
            "list_p95_ms": list_p95 <= TARGETS["list_p95_ms"],
        },
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result["meets_targets"]), f"→ {RESULTS / 'latest.json'}")


if __name__ == "__main__":
    main()
