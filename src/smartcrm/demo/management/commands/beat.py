"""``smartcrm beat``: the scheduler of the periodic jobs (settings.CELERY_BEAT_SCHEDULE).

Run exactly one, anywhere that reaches Redis: two would send every nightly job twice. Its
schedule state (when each job last ran) is a file in the data directory.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartcrm.demo.management.commands.worker import NO_BROKER


class Command(BaseCommand):
    help = "Run the Celery beat scheduler of the periodic jobs (one per installation; needs REDIS_URL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loglevel", default="info")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.REDIS_URL:
            raise CommandError(NO_BROKER)
        schedule = settings.DATA_DIR / "celerybeat-schedule"
        argv = [sys.executable, "-m", "celery", "-A", "smartcrm.celery", "beat"]
        argv += ["--loglevel", options["loglevel"], "--schedule", str(schedule)]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcrm.settings")
        sys.stdout.flush()
        os.execv(sys.executable, argv)  # noqa: S606 - our own interpreter, fixed arguments
