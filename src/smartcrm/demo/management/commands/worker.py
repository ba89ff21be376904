"""``smartcrm worker``: a Celery worker for production (tasks run inline without Redis)."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartcrm.core.metrics import prepare_multiprocess_dir
from smartcrm.core.queues import QUEUES

NO_BROKER = (
    "REDIS_URL is not set. Without a broker smartcrm runs background jobs inline in the "
    "web process, so there is nothing for a worker to do. Set REDIS_URL (for example "
    "redis://127.0.0.1:6379/0) for the web processes and the workers alike."
)


def parse_queues(text: str) -> list[str]:
    """``interactive,bulk`` → the queues, each one smartcrm routes tasks to (core/queues.py)."""
    queues = [q.strip() for q in text.split(",") if q.strip()]
    unknown = [q for q in queues if q not in QUEUES]
    if unknown or not queues:
        raise CommandError(
            f"--queues: unknown queue {', '.join(unknown) or '(none)'}; the queues are {', '.join(QUEUES)}"
        )
    return queues


def worker_argv(queues: list[str], concurrency: int | None, loglevel: str) -> list[str]:
    argv = [sys.executable, "-m", "celery", "-A", "smartcrm.celery", "worker", "--loglevel", loglevel]
    argv += ["--queues", ",".join(queues)]
    if concurrency:
        argv += ["--concurrency", str(concurrency)]
    return argv


class Command(BaseCommand):
    help = "Run a Celery worker for background jobs (needs REDIS_URL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--concurrency", type=int, default=None, help="worker processes (default: the cores)"
        )
        parser.add_argument(
            "--queues", default=",".join(QUEUES), help=f"comma-separated queues (default: {','.join(QUEUES)})"
        )
        parser.add_argument("--loglevel", default="info")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.REDIS_URL:
            raise CommandError(NO_BROKER)
        argv = worker_argv(parse_queues(options["queues"]), options["concurrency"], options["loglevel"])
        # Task durations, counted per pool process, for /metrics on this machine (core/metrics.py).
        prepare_multiprocess_dir(settings.DATA_DIR / "metrics" / "worker")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcrm.settings")
        sys.stdout.flush()
        os.execv(sys.executable, argv)  # noqa: S606 - our own interpreter, fixed arguments
