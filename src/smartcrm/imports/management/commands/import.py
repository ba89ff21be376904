"""``smartcrm import customers|products|orders|tickets|reviews FILE``: bring a shop's own data in.

Exit status 0 when the file was processed, even if some rows were rejected (they are listed);
non-zero, with the reason, when the file cannot be read at all.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from smartcrm.core.actors import Actor
from smartcrm.imports.errors import ImportFileError, RowError
from smartcrm.imports.kinds import IMPORTERS
from smartcrm.imports.request import DEFAULT_SYSTEM, ImportRequest
from smartcrm.imports.result import ImportResult
from smartcrm.imports.services import run_request

CLI_ACTOR = "cli:import"
SHOWN_ERRORS = 20


class Command(BaseCommand):
    help = "Import customers, products, orders, tickets or reviews from a CSV or XLSX file (docs/import.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=list(IMPORTERS), help="What the file holds.")
        parser.add_argument(
            "file",
            type=Path,
            help="A CSV file (UTF-8, UTF-16, GBK, Latin-1; , ; tab |) or an .xlsx workbook.",
        )
        parser.add_argument(
            "--system",
            default=DEFAULT_SYSTEM,
            help="Name of the system the file's customer ids come from (default: %(default)s).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check everything, save nothing.")
        parser.add_argument("--errors-out", type=Path, metavar="ERRORS.csv", help="Write every error here.")
        parser.add_argument("--user", metavar="USERNAME", help="Record the import as done by this user.")

    def handle(self, *args: Any, **options: Any) -> None:
        actor: Actor = CLI_ACTOR
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"No user named {options['user']!r}.")
        errors_file: IO[str] | None = None
        if options["errors_out"]:
            try:
                errors_file = options["errors_out"].open("w", encoding="utf-8", newline="")
            except OSError as exc:
                raise CommandError(f"Cannot write {options['errors_out']}: {exc.strerror}.") from exc
        try:
            result = self._run(options, actor, errors_file)
        finally:
            if errors_file:
                errors_file.close()
        self._summarise(result, options["errors_out"])

    def _run(self, options: dict[str, Any], actor: Actor, errors_file: IO[str] | None) -> ImportResult:
        writer = csv.writer(errors_file) if errors_file else None
        if writer:
            writer.writerow(["row", "column", "message"])

        def on_error(error: RowError) -> None:
            if writer:
                writer.writerow([error.row, error.column, error.message])

        # tqdm needs the raw stream (Django's wrapper would add a newline to every redraw).
        stream = getattr(self.stderr, "_out", sys.stderr)
        with tqdm(desc=f"Importing {options['kind']}", unit=" rows", file=stream, disable=None) as bar:

            def on_progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            try:
                request = ImportRequest(
                    options["kind"],
                    options["file"],
                    actor,
                    system=options["system"],
                    dry_run=options["dry_run"],
                )
                return run_request(request, on_progress=on_progress, on_error=on_error)
            except ImportFileError as exc:
                raise CommandError(f"{options['file']}: {exc}") from exc

    def _summarise(self, result: ImportResult, errors_out: Path | None) -> None:
        write = self.stdout.write
        style = self.style.WARNING if result.failed else self.style.SUCCESS
        write(
            style(
                f"{result.kind.capitalize()} from {result.file_name}: {result.rows_total} rows — "
                f"{result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged, {result.failed} failed."
            )
        )
        if result.rows_total == 0:
            write("The file has a header but no data rows.")
        if result.ignored_columns:
            write(f"Ignored columns (not known to smartcrm): {', '.join(result.ignored_columns)}.")
        if result.error_count:
            shown = result.errors[:SHOWN_ERRORS]
            more = f" (first {len(shown)} of {result.error_count})" if result.error_count > len(shown) else ""
            write(f"Errors{more}:")
            for error in shown:
                write(f"  {error}")
            if errors_out:
                write(f"All {result.error_count} errors were written to {errors_out}.")
        if result.duplicate_check:
            write(f"Duplicates check started ({result.duplicate_check}); matches wait at /duplicates/.")
        if result.dry_run:
            write(self.style.NOTICE("Dry run: nothing was saved."))
        elif result.run_id:
            write(f"Recorded as import run #{result.run_id}.")
