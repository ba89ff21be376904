"""``bench.refresh`` end to end on a 2,000-customer shop: generation, one bulk Celery worker on
Redis, the fan-out refresh of the scores then of the recommendations (``--stages``), and their
figures. Timings are the bench's business, not asserted here."""

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
REDIS_URL = os.environ.get("SMARTCRM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CUSTOMERS = 2_000


def test_the_refresh_bench_generates_refreshes_in_chunks_and_reports_memory(tmp_path: Path) -> None:
    arguments = ["--customers", str(CUSTOMERS), "--workers", "1", "--chunk-size", "500"]
    arguments += ["--logs", str(tmp_path), "--json", "--stages", "scores,recommendations"]
    figures = run_bench("bench.refresh", "smartcrm_test_bench_refresh", REDIS_URL, arguments)
    assert figures["customers"] == CUSTOMERS and figures["workers"] == 1
    assert figures["order_lines"] > CUSTOMERS
    assert figures["chunks"] >= 4 and 0 < figures["customers_scored"] <= CUSTOMERS
    assert 0 < figures["peak_rss_mb_per_worker"] == figures["peak_rss_mb_total"]
    assert figures["seconds"] > 0
    assert set(figures["seconds_per_stage"]) == {"train", "chunks", "chunk_seconds_sum", "switch"}
    assert figures["generation"]["generated"] is True
    recommendations = figures["stages"]["recommendations"]  # fresh worker: its own peak RSS
    assert set(figures["stages"]) == {"scores", "recommendations"}
    assert recommendations["chunks"] >= 4 and 0 < recommendations["rows"] <= CUSTOMERS
    assert recommendations["peak_rss_mb_per_worker"] > 0 and recommendations["seconds"] > 0
    assert set(recommendations["seconds_per_stage"]) == {"train", "chunks", "chunk_seconds_sum", "switch"}
