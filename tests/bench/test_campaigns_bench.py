"""``bench.campaigns`` end to end on 300 sends: every check of the 10,000-send bench holds."""

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


def test_the_campaigns_bench_sends_with_headers_consent_and_one_click(tmp_path: Path) -> None:
    database = f"smartcrm_test_bench_campaigns_{os.getpid()}"
    out = tmp_path / "out.json"
    command = [sys.executable, "-m", "bench.campaigns", "--sends", "300", "--database", database]
    try:
        done = subprocess.run([*command, "--output", str(out)], capture_output=True, text=True, timeout=600)
    finally:
        admin = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as admin_connection:
            admin_connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(out.read_text())
    assert result["sends"] == result["expected_sends"] >= 250  # about 300, less the holdout's luck
    assert result["without_both_unsubscribe_headers"] == 0
    assert result["sent_to_no_consent_or_suppressed"] == 0
    assert (result["duplicates"], result["lost"]) == (0, 0)
    assert result["one_post_unsubscribes"] is True
