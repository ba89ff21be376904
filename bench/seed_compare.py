"""``python -m bench.seed_compare --customers N [--workers 2] [--rounds 1] [--json]``: the seed-style
pandas pipeline and smartcrm's fan-out refresh, restricted to the same work, side by side on the
same shop in the same PostgreSQL (issue 23).

1. Generates (or reuses) the shop of ``bench.refresh`` in its own database (``--database``,
   default ``smartcrm_seed_<N>`` on the server of ``DATABASE_URL``).
2. Both sides work as of ``AS_OF`` (90 days and one before the shop's last day), so the 90 days
   after it are there to judge both on and neither sees them:
   - **seed** (bench/seed_pipeline.py, in a child process so its peak RSS is its own): one
     ``read_sql`` of the orders, four features, RFM quintiles, k-means, two random forests
     (churn in 90 days, purchase in 30) trained on every customer with a time split, scores for
     everyone written back with ``executemany``;
   - **smartcrm**: a fan-out scores run with CLV and category propensity skipped
     (``options={"skip": …}``: segments, churn and 30-day propensity, with their reasons), on W
     fresh Celery workers as ``bench.refresh`` runs it, switched into CustomerScore.
   With ``--rounds 2`` each side runs twice, the order alternated (seed first in odd rounds);
   the figures at the top are each side's faster round, every round is in ``rounds``.
3. Measures per side: wall ``seconds``, ``cpu_seconds`` (the child's, or the workers' added up;
   PostgreSQL's own CPU is in neither), ``peak_rss_mb`` (the child's; for smartcrm the workers'
   peaks added up, and ``peak_rss_mb_per_worker`` the largest), and the held-out AUC of each
   side's written scores: churn against "no purchase in the 90 days after AS_OF", 30-day purchase
   against "a purchase in the 30 days after", on the customers both sides scored.
4. Prints (``--json``: as JSON only) ``customers``, ``order_lines``, ``seed``, ``smartcrm``,
   ``speedup`` (seed seconds / smartcrm seconds), ``memory_ratio`` (smartcrm's peak RSS over the
   seed's), the evaluation set, the load average before and after, and ``rounds``.
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

from bench.refresh import REPO, database_url, ensure_shop, log, order_lines, run_refresh
from bench.run import SHOP_END

AS_OF = SHOP_END - timedelta(days=91)  # the 90 days after it hold the labels both sides are judged on
SKIP = ["clv", "category_propensity"]  # smartcrm's scores run restricted to the seed's work
SEED_TABLE = "bench_seed_scores"


def run_seed(url: str, as_of: date, trees: int, leaf: int) -> dict[str, Any]:
    """The seed pipeline in a child process: its wall time, CPU time and peak RSS (``wait4``)."""
    command = [sys.executable, "-m", "bench.seed_pipeline", "--url", url, "--as-of", as_of.isoformat()]
    command += ["--table", SEED_TABLE, "--trees", str(trees), "--min-samples-leaf", str(leaf)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE)
    assert child.stdout is not None
    out = child.stdout.read()
    child.stdout.close()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"bench.seed_compare: the seed pipeline failed ({child.returncode})")
    report = json.loads(out)
    return {
        "seconds": round(seconds, 1),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),  # kilobytes on Linux
        "customers_scored": report["customers"],
        "seconds_per_step": report["seconds_per_step"],
    }


def run_smartcrm(workers: int, chunk_size: int, redis_url: str, logs: Path, as_of: date) -> dict[str, Any]:
    figures = run_refresh(workers, chunk_size, redis_url, logs, "scores", as_of, {"skip": SKIP})
    return {
        "seconds": figures["seconds"],
        "cpu_seconds": figures["cpu_seconds"],
        "peak_rss_mb": figures["peak_rss_mb_total"],
        "peak_rss_mb_per_worker": figures["peak_rss_mb_per_worker"],
        "peak_rss_mb_workers": figures["peak_rss_mb_workers"],
        "workers": workers,
        "customers_scored": figures["customers_scored"],
        "sample_customers": figures["sample_customers"],
        "seconds_per_stage": figures["seconds_per_stage"],
    }


def written_scores(as_of: date, side: str) -> dict[int, tuple[float, float]]:
    """Each customer's churn and 30-day purchase probabilities as one side wrote them."""
    from django.db import connection

    sql = (
        f'SELECT customer_id, churn, purchase_30d FROM "{SEED_TABLE}"'  # noqa: S608 - a constant
        if side == "seed"
        else "SELECT customer_id, churn_risk, propensity_30d FROM intelligence_customerscore WHERE as_of = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [] if side == "seed" else [as_of])
        return {int(c): (churn, buy) for c, churn, buy in cursor.fetchall() if churn is not None}


def what_happened(as_of: date) -> dict[int, tuple[bool, bool]]:
    """Per customer who bought after ``as_of``: bought within 30 days, within 90 (revenue orders)."""
    from django.db import connection

    from smartcrm.intelligence.extract import end_of
    from smartcrm.orders.rules import REVENUE_STATUSES

    in_30, in_90 = end_of(as_of + timedelta(days=30)), end_of(as_of + timedelta(days=90))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT customer_id, bool_or(placed_at < %s), true FROM orders_order "
            "WHERE placed_at >= %s AND placed_at < %s AND status = ANY(%s) GROUP BY customer_id",
            [in_30, end_of(as_of), in_90, [str(s) for s in REVENUE_STATUSES]],
        )
        return {int(c): (bool(a), bool(b)) for c, a, b in cursor.fetchall()}


def judge(as_of: date, seed: dict[str, Any], smartcrm: dict[str, Any]) -> dict[str, Any]:
    """Both sides' AUCs on the customers both scored (into their figures); the evaluation set."""
    import numpy as np
    from sklearn.metrics import roc_auc_score

    written = {"seed": written_scores(as_of, "seed"), "smartcrm": written_scores(as_of, "smartcrm")}
    common = sorted(written["seed"].keys() & written["smartcrm"].keys())
    future = what_happened(as_of)
    churned = np.array([not future.get(i, (False, False))[1] for i in common])
    bought = np.array([future.get(i, (False, False))[0] for i in common])
    for side, figures in (("seed", seed), ("smartcrm", smartcrm)):
        rows = written[side]
        churn = np.array([rows[i][0] for i in common], dtype=float)
        buy = np.array([rows[i][1] for i in common], dtype=float)
        figures["auc_churn"] = round(float(roc_auc_score(churned, churn)), 4)
        figures["auc_purchase_30d"] = round(float(roc_auc_score(bought, buy)), 4)
    return {
        "customers": len(common),
        "churned": round(float(churned.mean()), 4),
        "bought_30d": round(float(bought.mean()), 4),
        "seed_only": len(written["seed"].keys() - written["smartcrm"].keys()),
        "smartcrm_only": len(written["smartcrm"].keys() - written["seed"].keys()),
    }


def one_round(args: argparse.Namespace, url: str, seed_first: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"order": ["seed", "smartcrm"] if seed_first else ["smartcrm", "seed"]}
    for side in out["order"]:
        log(f"bench.seed_compare: {side} …", args.json)
        if side == "seed":
            out["seed"] = run_seed(url, AS_OF, args.trees, args.min_samples_leaf)
        else:
            out["smartcrm"] = run_smartcrm(args.workers, args.chunk_size, args.redis_url, args.logs, AS_OF)
    out["evaluated"] = judge(AS_OF, out["seed"], out["smartcrm"])
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk-size", type=int, default=25_000, help="customer ids per chunk")
    parser.add_argument("--rounds", type=int, default=1, help="2: each side twice, the order alternated")
    parser.add_argument("--database", default="", help="default smartcrm_seed_<customers>")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/12")
    parser.add_argument("--seed", type=int, default=42, help="the generator's seed")
    parser.add_argument("--trees", type=int, default=100, help="trees per random forest of the seed")
    parser.add_argument("--min-samples-leaf", type=int, default=1, help="the seed's forests (sklearn: 1)")
    parser.add_argument("--logs", type=Path, default=REPO / "bench" / "results" / "seed-compare-logs")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    args = parser.parse_args(argv)

    name = args.database or f"smartcrm_seed_{args.customers}"
    url = database_url(os.environ.get("DATABASE_URL", ""), name)
    os.environ["DATABASE_URL"] = url
    os.environ["REDIS_URL"] = args.redis_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcrm.settings")
    import django

    django.setup()
    args.logs.mkdir(parents=True, exist_ok=True)
    generation = ensure_shop(args.customers, args.seed, args.json)
    load_before = os.getloadavg()
    rounds = [one_round(args, url, seed_first=i % 2 == 0) for i in range(max(1, args.rounds))]
    seed = min((r["seed"] for r in rounds), key=lambda f: f["seconds"])
    smartcrm = min((r["smartcrm"] for r in rounds), key=lambda f: f["seconds"])
    figures: dict[str, Any] = {
        "customers": args.customers,
        "order_lines": order_lines(),
        "as_of": AS_OF.isoformat(),
        "seed": seed,
        "smartcrm": smartcrm,
        "speedup": round(seed["seconds"] / smartcrm["seconds"], 2),
        "memory_ratio": round(smartcrm["peak_rss_mb"] / seed["peak_rss_mb"], 2),
        "memory_ratio_per_worker": round(smartcrm["peak_rss_mb_per_worker"] / seed["peak_rss_mb"], 2),
        "evaluated": rounds[-1]["evaluated"],
        "rounds": rounds,
        "load_average": {
            "before": [round(x, 1) for x in load_before],
            "after": [round(x, 1) for x in os.getloadavg()],
        },
        "generation": generation,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cpus": os.cpu_count(),
    }
    print(json.dumps(figures, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
