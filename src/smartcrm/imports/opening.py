"""Opening an import file: sniff its format, find and map its header, choose the path, scan it.

The reader (``reader.open_table``) detects the encoding and delimiter (or XLSX), finds the
header row and maps its cells to the importer's columns (by the built-in names and aliases, or
by the request's ``mapping``). Then the path is chosen: a large orders file on PostgreSQL goes
the bulk way (which reads the file itself); everything else is scanned once here, so a file
that cannot be read is refused before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from smartcrm.imports import bulk
from smartcrm.imports.importers import Importer
from smartcrm.imports.reader import Table, open_table
from smartcrm.imports.request import ImportRequest


@dataclass
class OpenedFile:
    """A file ready to write: its table (scanned unless ``bulk``) and which path it takes."""

    table: Table
    bulk: bool


def takes_bulk_path(request: ImportRequest, table: Table) -> bool:
    """Only a real (not dry, not limited) orders import of an eligible file goes the bulk way."""
    return request.kind == "orders" and not request.dry_run and request.limit is None and bulk.eligible(table)


def open_file(request: ImportRequest, importer: type[Importer]) -> OpenedFile:
    """Open ``request.path`` for ``importer``; raises ImportFileError (nothing written) if unreadable."""
    table = open_table(
        request.path,
        importer.columns,
        group_by=importer.group_by,
        mapping=request.mapping or None,
        scan=False,
    )
    use_bulk = takes_bulk_path(request, table)
    if not use_bulk:
        table.scan()
    return OpenedFile(table, use_bulk)
