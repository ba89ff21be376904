"""``bench.imports`` end to end on a small file: the harness (raw COPY, the import, the floor)
runs and its figures add up. Timings are the bench's business, not asserted here."""

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

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the bench is for PostgreSQL")

# About 10 MB: over the bulk path's 8 MB threshold, so the import takes the path the bench measures.
LINES = 100_000


def test_the_imports_bench_measures_copy_the_import_and_the_floor(tmp_path: Path) -> None:
    database = f"smartcrm_test_bench_imports_{os.getpid()}"
    url = os.environ["DATABASE_URL"]
    command = [sys.executable, "-m", "bench.imports", "--lines", str(LINES), "--small", "0"]
    command += ["--database", database, "--workdir", str(tmp_path), "--output", str(tmp_path / "out.json")]
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=600)
    finally:
        admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as admin_connection:
            admin_connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    run = json.loads((tmp_path / "out.json").read_text())["runs"][0]
    assert run["lines"] == LINES
    assert run["file_mb"] >= 9
    assert run["lines_created"] + run["lines_failed"] == LINES
    # Every failed line is reported once: a line whose quantity failed its check is not also
    # reported for an excessive discount (its quantity read as 0).
    assert run["errors_reported"] == run["lines_failed"] > 0
    assert run["orders_created"] > LINES // 5
    for name in ("copy_seconds", "import_seconds", "floor_seconds"):
        assert run[name] > 0
    assert run["floor_ratio_to_copy"] > 0
    assert run["import_ratio_to_floor"] > 0
    assert not list(tmp_path.glob("*.csv"))  # the bench file and the floor's copies are removed
