"""``python -m bench.refresh --customers N --workers W [--stages scores,recommendations,texts] [--json]``:
the fan-out refresh at scale.

1. Generates (or reuses, when it already holds N customers) a shop in its own PostgreSQL
   database (``--database``, default ``smartcrm_refresh_<N>`` on the server of
   ``DATABASE_URL``) by the bulk path (``smartcrm.demo.loader``: COPY per chunk).
2. Starts W Celery worker processes on the bulk queue (solo pool, Redis at ``--redis-url`` or
   ``REDIS_URL``; the database of it is flushed), starts one refresh run and waits for it:
   one worker fits the models on the sample, then every worker takes chunks.
3. Prints (and with ``--json`` prints as JSON only) ``customers``, ``order_lines``, ``workers``,
   ``seconds`` (start to switch), ``peak_rss_mb_per_worker`` (the largest worker's peak RSS,
   ``VmHWM``), ``peak_rss_mb_total`` (their sum) and ``seconds_per_stage``: ``train``
   (sample fit), ``chunks`` (wall time from the first chunk to the last), ``chunk_seconds_sum``
   (the chunks' own seconds added up) and ``switch``.
4. ``--stages`` measures other kinds of fan-out run too, one after another, each on fresh
   workers so each stage's peak RSS is its own: ``recommendations`` (fit on the sample, rank
   every customer in chunks, switch), ``texts`` (the text backfill, every text re-analysed) and
   ``dedup`` (the candidate search for duplicate customers: keys of every customer, then chunks
   of blocking-key buckets, then the switch into the review queue). ``stages`` holds each one's
   figures (the same keys, ``rows`` being customers scored, customers with recommendations,
   texts analysed or duplicate pairs stored); the scores' figures stay at the top level.

``--compare-full`` also measures what training on the bounded sample costs in quality
(bench/refresh_quality.py): held-out AUC of churn and 30-day propensity trained on the sample
and on every customer, scored on the same held-out customers.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis

from bench.run import SHOP_END

REPO = Path(__file__).resolve().parents[1]
CELERY = Path(sys.executable).with_name("celery")
AS_OF = SHOP_END - timedelta(days=1)
TIMEOUT = 4 * 3600


def log(message: str, quiet: bool) -> None:
    if not quiet:
        print(message, flush=True)
    else:
        print(message, file=sys.stderr, flush=True)


def database_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    if parts.scheme not in ("postgres", "postgresql"):
        sys.exit("bench.refresh: DATABASE_URL must point at PostgreSQL")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def ensure_shop(customers: int, seed: int, quiet: bool) -> dict[str, Any]:
    """Generate the shop unless the database holds it already; what was done."""
    from django.core.management import call_command
    from django.db import connection

    from smartcrm.customers.models import Customer
    from smartcrm.demo.loader import ShopLoader
    from smartcrm.synth.spec import ShopSpec

    call_command("migrate", verbosity=0)
    if Customer.objects.count() == customers:
        log(f"bench.refresh: reusing the {customers:,}-customer shop", quiet)
        return {"generated": False}
    with connection.cursor() as cursor:  # a different size: start again
        cursor.execute("TRUNCATE customers_customer, orders_order, catalog_product CASCADE")
    log(f"bench.refresh: generating {customers:,} customers …", quiet)
    stats = ShopLoader(ShopSpec(n_customers=customers, seed=seed, end=SHOP_END), progress=False).run()
    return {
        "generated": True,
        "seconds": round(stats.seconds, 1),
        "order_lines_per_second": round(stats.order_lines_per_second),
    }


def start_workers(n: int, redis_url: str, logs: Path) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, "REDIS_URL": redis_url, "PYTHONPATH": os.pathsep.join(sys.path)}
    workers = []
    for i in range(n):
        command = [
            str(CELERY),
            "-A",
            "smartcrm.celery",
            "worker",
            "-P",
            "solo",
            "-c",
            "1",
            "-n",
            f"bench{i}@%h",
        ]
        command += ["--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "warning"]
        command += ["--queues", "bulk"]
        with (logs / f"worker{i}.log").open("wb") as out:
            workers.append(subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT))
    return workers


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process (``/proc/<pid>/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_refresh(
    workers: int,
    chunk_size: int,
    redis_url: str,
    logs: Path,
    kind: str = "scores",
    as_of: date = AS_OF,
    options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One fan-out run of ``kind`` as of ``as_of`` on W fresh workers (so each worker's peak RSS
    is this stage's); ``options`` go to the run (bench.seed_compare: a scores run that skips
    models)."""
    from django.db.models import Max, Min, Sum

    from smartcrm.intelligence import refresh
    from smartcrm.intelligence.models import RefreshRun, RefreshStatus, RunKind

    redis.Redis.from_url(redis_url).flushdb()
    procs = start_workers(workers, redis_url, logs)
    texts = kind == RunKind.TEXTS
    try:
        started = time.perf_counter()
        run = refresh.start_refresh(
            actor="bench",
            as_of=as_of,
            chunk_size=None if texts else chunk_size,
            kind=kind,
            options={"all": True} if texts else options,  # every text, so each bench run does the work
        )
        final = (RefreshStatus.DONE, RefreshStatus.FAILED, RefreshStatus.CANCELLED, RefreshStatus.INTERRUPTED)
        while RefreshRun.objects.filter(pk=run.pk).values_list("status", flat=True).get() not in final:
            if any(p.poll() is not None for p in procs):
                sys.exit(f"bench.refresh: a worker stopped; see {logs}")
            if time.perf_counter() - started > TIMEOUT:
                sys.exit("bench.refresh: the refresh did not finish in time")
            time.sleep(0.5)
        seconds = time.perf_counter() - started
        peaks = [peak_rss_mb(p.pid) for p in procs]
        cpu = [cpu_seconds(p.pid) for p in procs]
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:  # a warm shutdown still finishing a follow-up task
                p.kill()
                p.wait(timeout=60)
    run = RefreshRun.objects.defer("fitted").get(pk=run.pk)
    if run.status != RefreshStatus.DONE:
        sys.exit(f"bench.refresh: the {kind} run ended {run.status}: {run.message}")
    chunks = run.chunks.aggregate(
        first=Min("finished_at"), last=Max("finished_at"), total=Sum("seconds"), rows=Sum("rows")
    )
    train_seconds = float(run.seconds.get("train", 0.0))
    switch_seconds = float(run.seconds.get("switch", 0.0))
    figures: dict[str, Any] = {
        "seconds": round(seconds, 1),
        "peak_rss_mb_per_worker": round(max(peaks)),
        "peak_rss_mb_total": round(sum(peaks)),
        "peak_rss_mb_workers": [round(p) for p in peaks],
        "cpu_seconds": round(sum(cpu), 1),  # the workers' own, start-up included (not PostgreSQL's)
        "seconds_per_stage": {
            "train": train_seconds,
            "chunks": round(seconds - train_seconds - switch_seconds, 1),
            "chunk_seconds_sum": round(chunks["total"] or 0.0, 1),
            "switch": switch_seconds,
        },
        "chunks": run.chunks.count(),
        "chunk_size": run.chunk_size,
        "rows": run.customers_scored,  # customers scored / with recommendations; texts analysed
        "sample_customers": run.sample_customers,
    }
    if kind == RunKind.SCORES:
        figures["customers_scored"] = run.customers_scored
        figures["held_out_auc"] = {
            k: run.metrics.get(k, {}).get("roc_auc")
            for k in ("churn", "propensity_30d", "category_propensity")
        }
    return figures


STAGES = ("scores", "recommendations", "texts", "dedup")


def stages(value: str) -> list[str]:
    chosen = [s.strip() for s in value.split(",") if s.strip()]
    if not chosen or any(s not in STAGES for s in chosen):
        raise argparse.ArgumentTypeError(f"expected some of {', '.join(STAGES)}; got {value!r}")
    return chosen


def order_lines() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM orders_orderline")
        return int(cursor.fetchone()[0])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk-size", type=int, default=25_000, help="customer ids per chunk")
    parser.add_argument("--database", default="", help="default smartcrm_refresh_<customers>")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--compare-full", action="store_true", help="also train on everyone and compare AUCs")
    parser.add_argument("--logs", type=Path, default=REPO / "bench" / "results" / "refresh-logs")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    parser.add_argument(
        "--max-rss-mb", type=float, default=0.0, help="fail when a worker's peak RSS exceeds this (CI: 2048)"
    )
    parser.add_argument(
        "--stages",
        type=stages,
        default=["scores"],
        help="fan-out runs to measure, one after another, each on fresh workers: scores, "
        "recommendations, texts (every text re-analysed), dedup; default scores",
    )
    args = parser.parse_args(argv)

    name = args.database or f"smartcrm_refresh_{args.customers}"
    os.environ["DATABASE_URL"] = database_url(os.environ.get("DATABASE_URL", ""), name)
    os.environ["REDIS_URL"] = args.redis_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcrm.settings")
    import django

    django.setup()
    args.logs.mkdir(parents=True, exist_ok=True)
    generation = ensure_shop(args.customers, args.seed, args.json)
    per_stage: dict[str, Any] = {}
    for stage in args.stages:
        log(f"bench.refresh: {stage} with {args.workers} worker(s) …", args.json)
        per_stage[stage] = run_refresh(args.workers, args.chunk_size, args.redis_url, args.logs, stage)
    figures: dict[str, Any] = {
        "customers": args.customers,
        "order_lines": order_lines(),
        "workers": args.workers,
        **per_stage.get("scores", {}),  # the scores' figures at the top, as before --stages
        "stages": per_stage,
        "generation": generation,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cpus": os.cpu_count(),
    }
    if args.compare_full:
        from bench.refresh_quality import compare_sample_with_full

        figures["sample_vs_full"] = compare_sample_with_full(AS_OF)
    print(json.dumps(figures, indent=None if args.json else 2))
    peak = max((stage["peak_rss_mb_per_worker"] for stage in per_stage.values()), default=0)
    if args.max_rss_mb and peak > args.max_rss_mb:
        sys.exit(f"bench.refresh: a worker peaked at {peak} MB, over the {args.max_rss_mb:.0f} MB limit")


if __name__ == "__main__":
    main()
