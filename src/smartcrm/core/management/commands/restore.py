"""``smartcrm restore FILE``: a backup into an empty database and an empty media directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartcrm.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup into the configured, empty database and media directory (docs/operations.md)."
    requires_system_checks: list[str] = []  # the database is empty until the restore has run

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a backup written by `smartcrm backup`")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = restore_backup(
                options["file"],
                database=dict(settings.DATABASES["default"]),
                media_root=Path(settings.MEDIA_ROOT),
                key_spec=settings.SMARTCRM_FIELD_KEYS,
                lookup_key=settings.SMARTCRM_LOOKUP_KEY,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored {len(manifest.tables)} tables ({sum(manifest.tables.values())} rows) from the "
            f"backup of {manifest.created_at} (smartcrm {manifest.smartcrm_version})."
        )
