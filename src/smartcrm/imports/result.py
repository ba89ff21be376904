"""What an import reports: counts by outcome, the first errors, the run it was recorded as."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from smartcrm.imports.errors import RowError
from smartcrm.imports.importers import Outcome, UnitResult

# Errors kept on the result and the ImportRun; the CLI's --errors-out file gets all of them.
MAX_STORED_ERRORS = 1000

ProgressCallback = Callable[[int, int], None]
ErrorSink = Callable[[RowError], None]


@dataclass
class ImportResult:
    kind: str
    file_name: str
    dry_run: bool = False
    rows_total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    run_id: int | None = None
    duplicate_check: str = ""  # what was started to look for duplicates among new customers

    @property
    def processed(self) -> int:
        return self.created + self.updated + self.unchanged + self.failed

    def count(self, outcomes: Iterable[UnitResult], on_error: ErrorSink | None = None) -> None:
        """Add a batch's outcomes (each unit counts its rows); errors go to ``on_error`` too."""
        for outcome in outcomes:
            rows = len(outcome.rows)
            if outcome.outcome is Outcome.CREATED:
                self.created += rows
            elif outcome.outcome is Outcome.UPDATED:
                self.updated += rows
            elif outcome.outcome is Outcome.UNCHANGED:
                self.unchanged += rows
            else:
                self.failed += rows
            for error in outcome.errors:
                self.add_error(error, on_error)

    def add_error(self, error: RowError, on_error: ErrorSink | None = None) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(error)
        if on_error:
            on_error(error)


def percent(done: int, total: int) -> int:
    return 100 if total == 0 else min(100, done * 100 // total)
