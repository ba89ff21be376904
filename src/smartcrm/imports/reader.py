"""Reading an import file: UTF-8 CSV (with or without a BOM), delimiter sniffed, columns by name.

The file is read twice, streaming both times. The first pass checks that every byte decodes and
every record parses, counts the rows (for the progress bar) and, for orders, how many lines each
order has; only then does the second pass hand rows to the importer. So a file that cannot be
read is refused before anything is written.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from smartcrm.imports.errors import ImportFileError

DELIMITERS = (",", ";", "\t")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Column:
    """A column an importer understands, with the other names files commonly give it."""

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, str]
    extra_cells: bool = False

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass
class Table:
    path: Path
    delimiter: str
    positions: dict[str, int]
    ignored_columns: list[str]
    width: int
    rows_total: int = 0
    group_counts: Counter[str] = field(default_factory=Counter)

    def rows(self) -> Iterator[Row]:
        """The data rows, blank ones skipped, values stripped, keyed by column name."""
        with _open(self.path) as handle:
            records = csv.reader(handle, delimiter=self.delimiter)
            header_seen = False
            for number, record in enumerate(records, start=1):
                if not any(cell.strip() for cell in record):
                    continue
                if not header_seen:
                    header_seen = True
                    continue
                values = {
                    name: record[index].strip() if index < len(record) else ""
                    for name, index in self.positions.items()
                }
                extra = any(cell.strip() for cell in record[self.width :])
                yield Row(number=number, values=values, extra_cells=extra)


def header_key(text: str) -> str:
    """``" E-Mail Address "`` → ``"e_mail_address"``: how header cells are matched to columns."""
    return _NOT_WORD.sub("_", text.strip().lower()).strip("_")


def _open(path: Path) -> TextIO:
    return path.open(encoding="utf-8-sig", newline="", errors="strict")


def _check_not_binary(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
    except FileNotFoundError as exc:
        raise ImportFileError(f"No such file: {path}") from exc
    except IsADirectoryError as exc:
        raise ImportFileError(f"{path} is a directory, not a CSV file.") from exc
    except OSError as exc:
        raise ImportFileError(f"Cannot read {path}: {exc.strerror}.") from exc
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ImportFileError(
            "This looks like a spreadsheet workbook (.xlsx/.xls), not CSV. "
            "Save it as 'CSV UTF-8' and import that file."
        )
    if b"\x00" in head:
        raise ImportFileError("This looks like a binary file, not CSV text.")
    if not head.strip().removeprefix(b"\xef\xbb\xbf").strip():
        raise ImportFileError("The file is empty.")


def _sniff_delimiter(first_line: str) -> str:
    """The delimiter that occurs most often (outside quotes) in the header line; comma on a tie."""
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _first_line(path: Path) -> str:
    with _open(path) as handle:
        for line in handle:
            if line.strip():
                return line
    raise ImportFileError("The file is empty.")


def _map_header(header: list[str], columns: tuple[Column, ...]) -> tuple[dict[str, int], list[str]]:
    lookup: dict[str, str] = {}
    for column in columns:
        for name in (column.name, *column.aliases):
            lookup[header_key(name)] = column.name
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, cell in enumerate(header):
        key = header_key(cell)
        if not key:
            continue
        name = lookup.get(key, "")
        if not name:
            ignored.append(key)
            continue
        if name in positions:
            raise ImportFileError(
                f"Columns {positions[name] + 1} and {index + 1} of the header both mean '{name}'; "
                "keep only one of them."
            )
        positions[name] = index
    if not positions:
        expected = ", ".join(c.name for c in columns[:6])
        raise ImportFileError(
            "The first row must name the columns (for example: "
            f"{expected}), but none of its cells is a column smartcrm knows."
        )
    missing = [c.name for c in columns if c.required and c.name not in positions]
    if missing:
        raise ImportFileError(f"Missing required column(s): {', '.join(missing)}.")
    return positions, ignored


def open_table(path: Path | str, columns: tuple[Column, ...], *, group_by: str = "") -> Table:
    """Check the whole file and return a Table to stream its rows; raises ImportFileError."""
    path = Path(path)
    _check_not_binary(path)
    number = 0
    table: Table | None = None
    try:
        delimiter = _sniff_delimiter(_first_line(path))
        with _open(path) as handle:
            records = csv.reader(handle, delimiter=delimiter)
            for number, record in enumerate(records, start=1):  # noqa: B007 - used after the loop
                if not any(cell.strip() for cell in record):
                    continue
                if table is None:
                    positions, ignored = _map_header(record, columns)
                    table = Table(path, delimiter, positions, ignored, width=len(record))
                    continue
                table.rows_total += 1
                if group_by and group_by in table.positions:
                    index = table.positions[group_by]
                    key = record[index].strip() if index < len(record) else ""
                    if key:
                        table.group_counts[key] += 1
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"The file is not UTF-8 text (undecodable bytes near row {number + 1}). "
            "Save it as 'CSV UTF-8' and try again."
        ) from exc
    except csv.Error as exc:
        raise ImportFileError(f"The file is not valid CSV (row {number + 1}: {exc}).") from exc
    if table is None:
        raise ImportFileError("The file is empty.")
    return table
