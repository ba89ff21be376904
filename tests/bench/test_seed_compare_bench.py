"""``bench.seed_compare`` end to end on a 2,000-customer shop: generation, the seed-style pandas
pipeline in its child process, smartcrm's restricted fan-out refresh on one bulk Celery worker,
and both sides judged on the same customers' next 90 days. Timings are the bench's business; the
figures' shape and sanity are checked here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db import connection

from tests.bench.own_database import run_bench

pytestmark = [
    pytest.mark.celery,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the bench is for PostgreSQL"),
]
# A Redis database of its own: the bench flushes it (tests run two at a time).
REDIS_URL = os.environ.get("SMARTCRM_TEST_SEED_REDIS_URL", "redis://127.0.0.1:6379/10")
CUSTOMERS = 2_000
SIDE = {"seconds", "cpu_seconds", "peak_rss_mb", "auc_churn", "auc_purchase_30d", "customers_scored"}


def test_the_seed_comparison_runs_both_sides_on_one_shop_and_judges_them_on_the_same_customers(
    tmp_path: Path,
) -> None:
    arguments = ["--customers", str(CUSTOMERS), "--workers", "1", "--chunk-size", "500", "--trees", "20"]
    arguments += ["--logs", str(tmp_path), "--json"]
    figures = run_bench("bench.seed_compare", "smartcrm_test_bench_seed", REDIS_URL, arguments)
    assert figures["customers"] == CUSTOMERS and figures["order_lines"] > CUSTOMERS
    seed, smartcrm = figures["seed"], figures["smartcrm"]
    assert set(seed) >= SIDE and SIDE | {"peak_rss_mb_per_worker"} <= set(smartcrm)
    evaluated = figures["evaluated"]
    # Both sides score the same customers (every buyer by the as-of date), judged on the same days.
    assert 0 < seed["customers_scored"] == smartcrm["customers_scored"] == evaluated["customers"] < CUSTOMERS
    assert evaluated["seed_only"] == evaluated["smartcrm_only"] == 0
    assert 0 < evaluated["churned"] < 1 and 0 < evaluated["bought_30d"] < 1
    for side in (seed, smartcrm):
        assert side["seconds"] > 0 and side["cpu_seconds"] > 0 and side["peak_rss_mb"] > 50
        assert 0.55 < side["auc_churn"] <= 1 and 0.55 < side["auc_purchase_30d"] <= 1  # better than chance
    assert smartcrm["peak_rss_mb"] == smartcrm["peak_rss_mb_per_worker"]  # one worker
    assert figures["speedup"] == pytest.approx(seed["seconds"] / smartcrm["seconds"], abs=0.01)
    assert figures["memory_ratio"] == pytest.approx(smartcrm["peak_rss_mb"] / seed["peak_rss_mb"], abs=0.01)
    assert set(seed["seconds_per_step"]) == {"read", "features", "segments", "churn", "purchase_30d", "write"}
    assert [r["order"] for r in figures["rounds"]] == [["seed", "smartcrm"]]
