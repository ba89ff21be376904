"""``smartcrm security matrix --markdown``: the permission matrix, as docs/security.md shows it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartcrm.accounts.matrix import markdown


class Command(BaseCommand):
    help = (
        "Security reports; `matrix --markdown` prints the role × capability matrix and what each route needs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", choices=["matrix"])
        parser.add_argument("--markdown", action="store_true", help="Markdown (the only format so far)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["markdown"]:
            raise CommandError("say --markdown (the only format so far)")
        self.stdout.write(markdown(), ending="")
