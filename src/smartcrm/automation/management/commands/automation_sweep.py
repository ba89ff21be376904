"""``smartcrm automation_sweep``: fire due timed triggers and wake waiting runs once (what the
Celery beat entry does every minute; for the embedded demo or a system cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from smartcrm.automation import services


class Command(BaseCommand):
    help = "Fire the workflow triggers that are due and resume waiting runs."

    def handle(self, *args: Any, **options: Any) -> None:
        found = services.sweep()
        found["resent"] = services.deliver_pending()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in found.items()))
