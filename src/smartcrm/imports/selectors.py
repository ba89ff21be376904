"""Reads for the import pages and API: recent runs, one run, mapping templates, a run's error rows."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.db.models import QuerySet

from smartcrm.core.errors import NotFoundError
from smartcrm.imports.models import ImportRun, MappingTemplate
from smartcrm.imports.services import errors_path

RECENT_RUNS = 20


def recent_runs(limit: int = RECENT_RUNS) -> QuerySet[ImportRun]:
    return ImportRun.objects.select_related("actor").order_by("-started_at", "-pk")[:limit]


def get_run(run_id: int) -> ImportRun:
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None:
        raise NotFoundError(f"No import run {run_id}")
    return run


def mapping_templates(kind: str) -> QuerySet[MappingTemplate]:
    return MappingTemplate.objects.filter(kind=kind).order_by("name")


def error_rows(run: ImportRun) -> Iterator[list[str]]:
    """Every error of the run as [row, column, message]: the run's error file, else the stored ones."""
    path = errors_path(run) if run.file_path else None
    if path is not None and path.exists():
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader, None)
            yield from reader
        return
    for error in run.errors:
        yield [str(error["row"]), error["column"], error["message"]]
