"""``smartcrm worker``: a Celery worker for production (tasks run inline without Redis)."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Run a Celery worker for background jobs (needs REDIS_URL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--concurrency", type=int, default=None, help="worker processes")
        parser.add_argument("--queues", default="", help="comma-separated queues (default: all)")
        parser.add_argument("--loglevel", default="info")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.REDIS_URL:
            raise CommandError(
                "REDIS_URL is not set. Without a broker smartcrm runs background jobs inline in the "
                "web process, so there is nothing for a worker to do. Set REDIS_URL (for example "
                "redis://127.0.0.1:6379/0) for the web processes and the workers alike."
            )
        argv = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "smartcrm.celery",
            "worker",
            "--loglevel",
            options["loglevel"],
        ]
        if options["concurrency"]:
            argv += ["--concurrency", str(options["concurrency"])]
        if options["queues"]:
            argv += ["--queues", options["queues"]]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcrm.settings")
        sys.stdout.flush()
        os.execv(sys.executable, argv)  # noqa: S606 - our own interpreter, fixed arguments
