"""``smartcrm generate``, ``demo`` (set-up only), ``worker`` and ``serve``."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from smartcrm.customers.models import Customer
from smartcrm.engine.nlp import intent
from tests.demo.checks import build_demo, check_demo
from tests.ports import free_port


def test_generate_end_to_end_then_refuses_without_append(db: Any) -> None:
    out = StringIO()
    args = ["--customers", "60", "--seed", "5", "--end-date", "2025-06-30", "--no-progress"]
    call_command("generate", *args, stdout=out, stderr=StringIO())
    assert Customer.objects.count() == 60
    assert "order lines/s" in out.getvalue()
    with pytest.raises(CommandError, match="--append"):
        call_command("generate", *args, stdout=StringIO(), stderr=StringIO())
    call_command("generate", *args, "--append", stdout=StringIO(), stderr=StringIO())
    assert Customer.objects.count() == 120


def test_generate_rejects_a_bad_date(db: Any) -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("generate", "--end-date", "30/06/2025", stdout=StringIO(), stderr=StringIO())


@pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="on PostgreSQL tests/browser/test_demo_screens.py builds the same demo and checks it too",
)
def test_demo_setup_creates_a_login_per_role_and_reuses_the_shop(
    transactional_db: Any,
    settings: Any,
    tmp_path: Path,
    quick_default_intent: Path,
    mailoutbox: list[Any],
) -> None:
    """Committed like the real demo: the campaign sends and the workflows run after their commits."""
    state = build_demo(settings, tmp_path)
    check_demo(state, tmp_path, quick_default_intent, mailoutbox)


def test_train_defaults_writes_the_intent_artifact_once(quick_default_intent: Path) -> None:
    out = StringIO()
    call_command("train_defaults", stdout=out)
    assert f"Wrote {quick_default_intent}" in out.getvalue()
    loaded = intent.load_default_intent_model(quick_default_intent.parent)
    assert not loaded.keywords_only_
    again = StringIO()
    call_command("train_defaults", stdout=again)
    assert "already trained" in again.getvalue()


@override_settings(REDIS_URL="")
def test_worker_refuses_without_redis() -> None:
    with pytest.raises(CommandError, match="REDIS_URL is not set"):
        call_command("worker")


def test_serve_starts_gunicorn_and_serves_the_login_page(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "SMARTCRM_DATA_DIR": str(tmp_path), "DATABASE_URL": ""}
    cli = Path(sys.executable).with_name("smartcrm")
    proc = subprocess.Popen(
        [str(cli), "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90  # migrations of a fresh database first; slow on a busy machine
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2) as response:
                    assert response.status == 200
                    assert b"password" in response.read().lower()
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.3)
    finally:
        proc.terminate()
        proc.wait(timeout=15)
