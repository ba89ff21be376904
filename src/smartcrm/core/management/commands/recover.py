"""``smartcrm recover``: find the runs whose worker died now (servers and workers do it on start)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from smartcrm.core import recovery


class Command(BaseCommand):
    help = (
        "Mark imports, de-duplication and training runs whose worker died as interrupted (to resume), "
        "and send campaigns and workflow runs whose worker died on again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for name, found in recovery.sweep().items():
            self.stdout.write(f"{name}: {'failed, see the log' if found < 0 else found}")
