"""A real Celery worker on Redis for the tests that prove the production job path: the broker
switched to a Redis database of the test's own (flushed before and after), and a worker process
that sees the committed PostgreSQL test database and the same keys."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection

from smartcrm.celery import app as celery_app

CELERY = Path(sys.executable).with_name("celery")
REPO = Path(__file__).resolve().parents[1]


def database_url(db: dict[str, Any]) -> str:
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{quote(db['NAME'])}"


def drop_cached_connections(app: Celery) -> None:
    # Celery caches its broker pool and result backend; after changing the URLs they must go.
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
    app._backend_cache = None
    if hasattr(app._local, "backend"):
        del app._local.backend


@contextmanager
def redis_broker(url: str) -> Iterator[str]:
    """Send this process's tasks to Redis at ``url`` (skipped when Redis is not running)."""
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"Redis is not answering at {url} (make services starts it)")
    client.flushdb()
    saved = {key: celery_app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    celery_app.conf.update(broker_url=url, result_backend=url, task_always_eager=False)
    drop_cached_connections(celery_app)
    try:
        yield url
    finally:
        celery_app.conf.update(saved)
        drop_cached_connections(celery_app)
        client.flushdb()
        client.close()


def process_env(data_dir: Path, **extra_env: str) -> dict[str, str]:
    """The environment of a smartcrm process (worker, server, command) on the test database."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(sys.path),
        "DJANGO_SETTINGS_MODULE": "smartcrm.settings",
        "DATABASE_URL": database_url(connection.settings_dict),
        "SMARTCRM_DATA_DIR": str(data_dir),
        "SMARTCRM_SECRET_KEY": settings.SECRET_KEY,
        "SMARTCRM_FIELD_KEYS": settings.SMARTCRM_FIELD_KEYS,
        "SMARTCRM_LOOKUP_KEY": settings.SMARTCRM_LOOKUP_KEY,
        "SMARTCRM_TIME_ZONE": settings.TIME_ZONE,
        **extra_env,
    }
    env.pop("SMARTCRM_TEST_DB_NAME", None)
    return env


def start_worker(
    data_dir: Path, log: Path, redis_url: str, queues: str = "", **extra_env: str
) -> subprocess.Popen[bytes]:
    """One solo worker process on ``redis_url`` (on ``queues``, comma-separated: default all), its
    output in ``log``."""
    env = process_env(data_dir, REDIS_URL=redis_url, **extra_env)
    command = [str(CELERY), "-A", "smartcrm.celery", "worker", "-P", "solo", "-c", "1"]
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "warning"]
    command += ["--queues", queues] if queues else []
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)


def stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)
