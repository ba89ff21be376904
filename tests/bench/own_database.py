"""Run a ``bench`` module as a child process in a database and Redis of its own, then drop them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import redis
from django.db import connection

from tests.celery_worker import database_url


def run_bench(module: str, database: str, redis_url: str, arguments: list[str]) -> dict[str, Any]:
    """``python -m module --database … --redis-url … arguments``; its JSON figures.

    ``redis_url`` must be a Redis database no other test uses: the bench flushes it, and the
    tests run two at a time. Skips when Redis is not answering; the database (named after this
    process) and the Redis database are emptied whatever happened, and a failed run fails with the
    end of its stderr."""
    try:
        redis.Redis.from_url(redis_url).ping()
    except redis.ConnectionError:
        pytest.skip(f"Redis is not answering at {redis_url}")
    name = f"{database}_{os.getpid()}"
    url = database_url(connection.settings_dict)
    command = [sys.executable, "-m", module, "--database", name, "--redis-url", redis_url, *arguments]
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop("SMARTCRM_TEST_DB_NAME", None)
    try:
        done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=900, env=env)
    finally:
        admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as admin_connection:
            admin_connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        redis.Redis.from_url(redis_url).flushdb()
    assert done.returncode == 0, done.stderr[-3000:]
    figures: dict[str, Any] = json.loads(done.stdout)
    return figures
