"""Health, readiness and metrics endpoints; JSON logs; the serve and worker command lines."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from django.core.management.base import CommandError
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.utils import timezone

from smartcrm.core.logging import JsonFormatter, RedactPIIFilter
from smartcrm.core.metrics import _Merged
from smartcrm.core.tasks import sweep_stale_runs
from smartcrm.demo.management.commands.serve import MAX_WORKERS, default_workers, gunicorn_argv
from smartcrm.demo.management.commands.worker import parse_queues, worker_argv
from smartcrm.intelligence.models import TrainingRun, TrainingStatus
from tests.ports import free_port

REDIS_URL = os.environ.get("SMARTCRM_TEST_QUEUES_REDIS_URL", "redis://127.0.0.1:6379/9")
REPO = Path(__file__).resolve().parents[2]


def test_healthz_answers_without_touching_the_database(client: Client) -> None:
    # No django_db mark: a query here would raise.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ok_with_the_database_migrated_and_no_redis(client: Client, settings: Any) -> None:
    settings.REDIS_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "migrations": "ok", "redis": "not configured"}


@pytest.mark.django_db
def test_readyz_says_503_and_why_when_redis_is_down_or_a_migration_is_missing(
    client: Client, settings: Any
) -> None:
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    MigrationRecorder.Migration.objects.filter(app="core").order_by("-id")[:1].get().delete()
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"] == "1 migrations not applied (run smartcrm migrate)"
    assert body["checks"]["redis"] == "unreachable (ConnectionError)"


@pytest.mark.django_db
def test_metrics_need_the_token_when_one_is_set(client: Client, settings: Any) -> None:
    settings.SMARTCRM_METRICS_TOKEN = "s3cret-scrape-token"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    response = client.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape-token"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_without_a_token_only_a_direct_loopback_client_reads_metrics(client: Client, settings: Any) -> None:
    settings.SMARTCRM_METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 200  # the test client is 127.0.0.1
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 401
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 401


def _sample(text: str, prefix: str) -> float:
    lines = [line for line in text.splitlines() if line.startswith(prefix)]
    assert len(lines) == 1, f"{prefix!r} in:\n{text}"
    return float(lines[0].rsplit(" ", 1)[1])


@pytest.mark.django_db
def test_metrics_count_requests_tasks_queues_and_the_refresh_age(client: Client, settings: Any) -> None:
    waiting = redis.Redis.from_url(REDIS_URL)
    try:
        waiting.ping()
    except redis.ConnectionError:
        pytest.skip("Redis is not running")
    settings.REDIS_URL = settings.CELERY_BROKER_URL = REDIS_URL
    waiting.delete("interactive", "bulk")
    waiting.rpush("bulk", "a", "b")
    TrainingRun.objects.create(
        as_of=timezone.localdate(),
        status=TrainingStatus.DONE,
        finished_at=timezone.now() - timedelta(hours=3),
    )
    before = client.get("/metrics").content.decode()
    healthz = 'smartcrm_http_request_duration_seconds_count{status="2xx",view="web:healthz"}'
    task = (
        'smartcrm_celery_task_duration_seconds_count{state="SUCCESS",task="smartcrm.core.sweep_stale_runs"}'
    )
    counted = {name: _sample(before, name) if name in before else 0.0 for name in (healthz, task)}

    client.get("/healthz")
    client.get("/healthz")
    sweep_stale_runs.delay()  # eager here: the same signals as on a worker
    try:
        text = client.get("/metrics").content.decode()
    finally:
        waiting.delete("bulk")
        waiting.close()

    assert _sample(text, healthz) == counted[healthz] + 2
    assert _sample(text, task) == counted[task] + 1
    assert _sample(text, 'smartcrm_celery_queue_length{queue="bulk"}') == 2
    assert _sample(text, 'smartcrm_celery_queue_length{queue="interactive"}') == 0
    assert 3 * 3600 <= _sample(text, "smartcrm_refresh_age_seconds") < 3 * 3600 + 60


def test_metrics_of_several_processes_are_merged(tmp_path: Path) -> None:
    """What gunicorn's workers (and a worker's pool processes) write, one scrape reads in sum."""
    root = tmp_path / "metrics"
    code = (
        "import sys, django; django.setup()\n"
        "from smartcrm.core.metrics import REQUEST_SECONDS\n"
        "REQUEST_SECONDS.labels('web:dashboard', '2xx').observe(0.05)\n"
    )
    for kind in ("web", "web", "worker"):
        (root / kind).mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "PROMETHEUS_MULTIPROC_DIR": str(root / kind),
            "PYTHONPATH": os.pathsep.join(sys.path),
        }
        subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=REPO, timeout=60)
    samples = {
        (s.name, s.labels.get("view")): s.value for metric in _Merged(root).collect() for s in metric.samples
    }
    assert samples[("smartcrm_http_request_duration_seconds_count", "web:dashboard")] == 3


def test_json_logs_are_one_object_a_line_without_pii() -> None:
    record = logging.LogRecord(
        "smartcrm.x", logging.WARNING, __file__, 1, "reply to %s failed", ("ada@example.com",), None
    )
    RedactPIIFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "reply to [EMAIL] failed"
    assert (entry["level"], entry["logger"]) == ("WARNING", "smartcrm.x")


def test_serve_takes_its_worker_count_from_the_cores() -> None:
    assert default_workers(1) == 3
    assert default_workers(2) == 5
    assert default_workers(64) == MAX_WORKERS


def test_worker_queues_are_checked() -> None:
    assert parse_queues("bulk, interactive") == ["bulk", "interactive"]
    with pytest.raises(CommandError, match="unknown queue imports"):
        parse_queues("interactive,imports")
    argv = worker_argv(["bulk"], 3, "info")
    assert argv[argv.index("--queues") + 1] == "bulk"
    assert argv[argv.index("--concurrency") + 1] == "3"


@pytest.mark.django_db
def test_a_connection_pool_serves_queries_when_configured(tmp_path: Path) -> None:
    """``SMARTCRM_DB_POOL``: a process whose connections come from a psycopg pool, for real."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the pool is PostgreSQL's")
    from tests.celery_worker import process_env

    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "for _ in range(3):\n"
        "    connection.ensure_connection(); connection.cursor().execute('SELECT 1'); connection.close()\n"
        "print(type(connection.pool).__name__, connection.pool.max_size)\n"
    )
    env = process_env(tmp_path, SMARTCRM_DB_POOL="4")
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=REPO,
        timeout=60,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["ConnectionPool", "4"]


def test_hashed_static_files_are_served_with_long_cache_headers(tmp_path: Path) -> None:
    """``SMARTCRM_STATIC_MANIFEST=1`` after ``collectstatic``: pages name the hashed files and
    WhiteNoise serves them compressed and immutable."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(sys.path),
        "DJANGO_SETTINGS_MODULE": "smartcrm.settings",
        "DATABASE_URL": "",
        "SMARTCRM_DATA_DIR": str(tmp_path / "data"),
        "SMARTCRM_STATIC_ROOT": str(tmp_path / "static"),
        "SMARTCRM_STATIC_MANIFEST": "1",
    }
    code = (
        "import re, django; django.setup()\n"
        "from django.core.management import call_command\n"
        "from django.test import Client\n"
        "call_command('collectstatic', interactive=False, verbosity=0)\n"
        "page = Client().get('/login/').content.decode()\n"
        "css = re.search(r'/static/web/app\\.[0-9a-f]{12}\\.css', page).group()\n"
        "answer = Client().get(css, headers={'Accept-Encoding': 'gzip'})\n"
        "print(css, answer.status_code, answer.get('Content-Encoding'), answer.get('Cache-Control'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=REPO,
        timeout=120,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    _css, status, encoding, cache = done.stdout.split(" ", 3)
    assert (status, encoding) == ("200", "gzip")
    assert "immutable" in cache and "max-age=315360000" in cache


def test_the_servers_json_access_log_is_parseable_and_keeps_no_pii(tmp_path: Path, settings: Any) -> None:
    settings.SMARTCRM_LOG_FORMAT = "json"
    port = free_port()
    argv = gunicorn_argv("127.0.0.1", port, workers=1, threads=1)
    env = {**os.environ, "DATABASE_URL": "", "SMARTCRM_DATA_DIR": str(tmp_path), "REDIS_URL": ""}
    server = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = f"http://127.0.0.1:{port}/healthz?search=ada%40example.com"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as answer:
                    assert answer.status == 200
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    entries = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    # One entry per request made: a first try that timed out on a loaded machine is logged too.
    assert entries, output
    for entry in entries:
        assert entry["request"] == "GET /healthz?search=%5BREDACTED%5D HTTP/1.1"
        assert entry["status"] == 200 and entry["duration_ms"] >= 0
    assert "example.com" not in output
