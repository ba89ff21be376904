"""``smartcrm backup FILE``: the database, the media and the key identifiers (never the keys)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartcrm.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the database and the media directory into one .tar.gz (see docs/operations.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the backup to write (.tar.gz, mode 0600)")

    def handle(self, *args: Any, **options: Any) -> None:
        target: Path = options["file"]
        try:
            manifest = create_backup(
                target, media_root=Path(settings.MEDIA_ROOT), lookup_key=settings.SMARTCRM_LOOKUP_KEY
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest.tables.values())
        self.stdout.write(
            f"Backed up {len(manifest.tables)} tables ({rows} rows) of the {manifest.vendor} database "
            f"and the media to {target}; values sealed with key(s) {', '.join(manifest.key_ids) or '-'}."
        )
