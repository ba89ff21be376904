"""``smartcrm i18n_check``: fail on untranslated, fuzzy or placeholder-mismatched messages in the
zh_Hans catalogs, or on catalogs that ``makemessages`` would change; ``--update`` runs
``makemessages`` the way the catalogs are kept (then translate what it added, or take the
translations from other .po files with ``--merge FILE…``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartcrm.core import i18n_check


def makemessages(domain: str) -> None:
    """``makemessages -l zh_Hans -d DOMAIN`` over the smartcrm package only."""
    here = os.getcwd()
    os.chdir(i18n_check.LOCALE_DIR.parent)
    try:
        call_command(
            "makemessages",
            locale=[i18n_check.LANGUAGE],
            domain=domain,
            ignore_patterns=list(i18n_check.IGNORED),
            no_location=True,
            no_obsolete=True,
            no_wrap=True,
            verbosity=0,
        )
    finally:
        os.chdir(here)


class Command(BaseCommand):
    help = "Check the zh_Hans translation catalogs (or --update them with makemessages)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--update", action="store_true", help="run makemessages on the catalogs")
        parser.add_argument(
            "--merge",
            nargs="+",
            default=[],
            metavar="PO",
            help="with --update: take the translations of new messages from these .po files",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["update"]:
            for domain in i18n_check.DOMAINS:
                makemessages(domain)
            for domain in i18n_check.DOMAINS if options["merge"] else ():
                path = i18n_check.catalog_path(domain)
                merged = i18n_check.merge_translations(path, [Path(p) for p in options["merge"]])
                makemessages(domain)  # back in makemessages' own layout
                self.stdout.write(f"{merged} translation(s) merged into {path.name}")
        problems = [
            problem
            for domain in i18n_check.DOMAINS
            for problem in i18n_check.catalog_problems(i18n_check.catalog_path(domain))
        ]
        if not options["update"]:
            problems += i18n_check.extraction_problems(makemessages)
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(f"{len(problems)} translation problem(s)")
        self.stdout.write("translations: complete, no fuzzy entry, placeholders match, catalogs up to date")
