"""``bench.refresh`` end to end on a 2,000-customer shop: generation, one bulk Celery worker on
Redis, the fan-out refresh of the scores then of the recommendations (``--stages``), and their
figures. Timings are the bench's business, not asserted here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import redis
from django.db import connection

from tests.celery_worker import database_url

pytestmark = [
    pytest.mark.celery,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the bench is for PostgreSQL"),
]
REDIS_URL = os.environ.get("SMARTCRM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CUSTOMERS = 2_000


def test_the_refresh_bench_generates_refreshes_in_chunks_and_reports_memory(tmp_path: Path) -> None:
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.skip(f"Redis is not answering at {REDIS_URL}")
    database = f"smartcrm_test_bench_refresh_{os.getpid()}"
    url = database_url(connection.settings_dict)
    command = [sys.executable, "-m", "bench.refresh", "--customers", str(CUSTOMERS), "--workers", "1"]
    command += ["--chunk-size", "500", "--database", database, "--redis-url", REDIS_URL]
    command += ["--logs", str(tmp_path), "--json", "--stages", "scores,recommendations"]
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop("SMARTCRM_TEST_DB_NAME", None)
    try:
        done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=900, env=env)
    finally:
        admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as admin_connection:
            admin_connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        redis.Redis.from_url(REDIS_URL).flushdb()
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout)
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
