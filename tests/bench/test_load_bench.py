"""``bench.load`` end to end at test size: a 400-customer shop in its own database, the real
gunicorn server on loopback, three signed-in users for a few seconds; every request answered as
expected and every acknowledged write found in the database afterwards."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.db import connection

from tests.celery_worker import database_url

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the bench is for PostgreSQL")


def test_the_load_bench_serves_a_mix_of_reads_and_writes_and_finds_every_write(tmp_path: Path) -> None:
    database = f"smartcrm_test_bench_load_{os.getpid()}"
    url = database_url(connection.settings_dict)
    command = [sys.executable, "-m", "bench.load", "--database", database, "--customers", "400"]
    command += ["--users", "3", "--seconds", "15", "--think", "0.2", "--web-workers", "1"]
    command += ["--logs", str(tmp_path), "--json"]
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop("SMARTCRM_TEST_DB_NAME", None)
    env.pop("REDIS_URL", None)
    try:
        done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=900, env=env)
    finally:
        admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as admin_connection:
            admin_connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout)
    assert figures["users_signed_in"] == 3 and figures["sign_in_errors"] == []
    assert figures["errors"] == 0, figures["error_samples"]
    assert figures["requests"] >= 20 and figures["customers_in_shop"] == 400
    assert set(figures["per_action"]) <= {
        "list with filters",
        "search",
        "customer 360",
        "api read",
        "add note",
        "ticket reply",
    }
    writes = figures["writes"]
    assert sum(writes["acknowledged"].values()) > 0
    assert writes["found"] == {k: writes["acknowledged"].get(k, 0) for k in ("notes", "replies")}
    assert writes["missing"] == 0
