"""Reading an import file: CSV (any common encoding, delimiter sniffed) or XLSX, columns by name.

The file is read twice, streaming both times. The first pass finds the header row, checks that
every record parses, counts the rows (for the progress bar) and, for orders, how many lines each
order has, and profiles the date and number columns (day-first or month-first, decimal comma or
dot); only then does the second pass hand normalised rows to the importer. So a file that cannot
be read is refused before anything is written.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from smartcrm.core.text import CONTROL_CHARACTERS, CONTROL_MESSAGE
from smartcrm.imports.errors import ImportFileError
from smartcrm.imports.normalise import ColumnProfile, normalise_date, normalise_number
from smartcrm.imports.sources import REPLACEMENT, FileFormat, detect_format, records

_NOT_WORD = re.compile(r"[\W_]+")
# The header is the first record naming a known column among the first few (title rows skipped).
HEADER_SEARCH_RECORDS = 20
# Longest cell kept; longer cells reject their row (no column of smartcrm holds more).
MAX_CELL_CHARS = 10_000
_INVISIBLE = str.maketrans("", "", "\ufeff\u200b")


@dataclass(frozen=True)
class Column:
    """A column an importer understands, with the other names files commonly give it.

    ``type`` says how cells are normalised before parsing: ``date``, ``money`` (currency signs
    allowed), ``number`` or ``text``.
    """

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    type: str = "text"


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, str]
    problems: dict[str, str] = field(default_factory=dict)

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass
class Table:
    path: Path
    format: FileFormat
    positions: dict[str, int]
    ignored_columns: list[str]
    width: int
    header_row: int
    columns: tuple[Column, ...] = ()
    rows_total: int = 0
    group_counts: Counter[str] = field(default_factory=Counter)
    profiles: dict[str, ColumnProfile] = field(default_factory=dict)
    header: list[str] = field(default_factory=list)
    header_keys: list[str] = field(default_factory=list)
    unclosed_quote_row: int = 0
    group_by: str = ""

    @property
    def delimiter(self) -> str:
        return self.format.delimiter

    def rows(self, *, start_after: int = 0) -> Iterator[Row]:
        """The data rows (after record ``start_after``), blank ones skipped, values normalised."""
        types = {c.name: c.type for c in self.columns}
        for number, record in enumerate(records(self.path, self.format), start=1):
            if number <= max(self.header_row, start_after) or not _filled(record):
                continue
            yield self._row(number, record, types)

    def _row(self, number: int, record: list[str], types: dict[str, str]) -> Row:
        problems: dict[str, str] = {}
        values = {
            name: record[index].translate(_INVISIBLE).strip() if index < len(record) else ""
            for name, index in self.positions.items()
        }
        for name, text in list(values.items()):
            if not text:
                continue
            if "\x00" in text:
                problems[name] = "Contains a NUL character (a damaged or binary file?)."
                # The row is rejected, but its values are still looked up and reported, and
                # PostgreSQL text cannot hold NUL.
                values[name] = text = text.replace("\x00", REPLACEMENT)
            elif CONTROL_CHARACTERS.search(text):
                problems[name] = CONTROL_MESSAGE
            elif len(text) > MAX_CELL_CHARS:
                problems[name] = f"Longer than {MAX_CELL_CHARS:,} characters."
            kind = types.get(name, "text")
            if kind == "date":
                values[name] = normalise_date(text, self.profiles[name])
            elif kind in ("money", "number"):
                values[name], currency = normalise_number(text, self.profiles[name])
                if currency and kind == "money" and "currency" in types:
                    stated = values.get("currency", "")
                    if not stated:
                        values["currency"] = currency
                    elif stated.upper() != currency:
                        problems[name] = "Its currency sign differs from the row's currency column."
        if any(REPLACEMENT in cell for cell in record):
            problems[""] = (
                f"Holds bytes that are not valid {self.format.encoding.upper()} text "
                "(part of the file is in another encoding); re-save the file as 'CSV UTF-8'."
            )
        if record and header_key(record[0]) == self.header_keys[0] and self._repeats_header(record):
            problems[""] = "Repeats the header row (were two files joined together?); skipped."
        if number == self.unclosed_quote_row:
            problems[""] = (
                "A quote opened in this row is never closed, so the rest of the file ran into it "
                "(rows after it were not read); close the quote and import again."
            )
        if _filled(record[self.width :]):
            problems.setdefault(
                "", "The row has more cells than the header has columns (check quoting and delimiters)."
            )
        return Row(number=number, values=values, problems=problems)

    def scan(self) -> None:
        """The first pass: count rows (and each order's lines), profile dates and numbers."""
        positions, columns, group_by = self.positions, self.columns, self.group_by
        profiled = [
            (c.name, positions[c.name], c.type) for c in columns if c.type != "text" and c.name in positions
        ]
        # Dates are profiled per column; numbers share one profile, since a file has one decimal mark.
        numbers = ColumnProfile()
        self.profiles = {name: numbers if kind != "date" else ColumnProfile() for name, _, kind in profiled}
        group_index = positions.get(group_by) if group_by else None
        reader = records(self.path, self.format)
        last = 0
        for number, record in enumerate(reader, start=1):
            if number <= self.header_row or not _filled(record):
                continue
            last = number
            self.rows_total += 1
            for name, index, kind in profiled:
                text = _cell(record, index)
                if text:
                    profile = self.profiles[name]
                    if kind == "date":
                        profile.observe_date(text)
                    else:
                        profile.observe_number(text)
            if group_index is not None:
                key = _cell(record, group_index)
                if key:
                    self.group_counts[key] += 1
        if reader.unclosed_quote:
            self.unclosed_quote_row = last

    def _repeats_header(self, record: list[str]) -> bool:
        return [header_key(cell) for cell in record[: self.width]] == self.header_keys


def _cell(record: list[str], index: int) -> str:
    return record[index].strip() if index < len(record) else ""


def _filled(record: list[str]) -> bool:
    return any(cell.strip() for cell in record)


def header_key(text: str) -> str:
    """``" E-Mail Address "`` → ``"e_mail_address"``, ``"邮箱"`` → ``"邮箱"``: how headers are matched."""
    return _NOT_WORD.sub("_", text.translate(_INVISIBLE).strip().lower()).strip("_")


def column_lookup(columns: tuple[Column, ...]) -> dict[str, str]:
    """Header key → column name, for every name and alias of every column."""
    lookup: dict[str, str] = {}
    for column in columns:
        for name in (column.name, *column.aliases):
            lookup[header_key(name)] = column.name
    return lookup


def _map_header(
    header: list[str], columns: tuple[Column, ...], mapping: Mapping[str, str] | None
) -> tuple[dict[str, int], list[str]]:
    lookup = column_lookup(columns)
    known = {c.name for c in columns}
    if mapping is not None:
        lookup = {header_key(h): name for h, name in mapping.items() if name in known}
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
    return positions, ignored


def _find_header(
    fmt: FileFormat, path: Path, columns: tuple[Column, ...], mapping: Mapping[str, str] | None
) -> tuple[int, list[str], dict[str, int], list[str]]:
    """The first of the first records that maps every required column (else the best-mapped one)."""
    best: tuple[int, list[str], dict[str, int], list[str]] | None = None
    required = {c.name for c in columns if c.required}
    seen = 0
    for number, record in enumerate(records(path, fmt), start=1):
        if not _filled(record):
            continue
        seen += 1
        positions, ignored = _map_header(record, columns, mapping)
        if positions and required <= positions.keys():
            return number, record, positions, ignored
        if positions and (best is None or len(positions) > len(best[2])):
            best = (number, record, positions, ignored)
        if seen >= HEADER_SEARCH_RECORDS:
            break
    if seen == 0:
        raise ImportFileError("The file is empty.")
    if best is None:
        expected = ", ".join(c.name for c in columns[:6])
        raise ImportFileError(
            "The first row must name the columns (for example: "
            f"{expected}), but none of its cells is a column smartcrm knows."
        )
    missing = [c.name for c in columns if c.required and c.name not in best[2]]
    raise ImportFileError(f"Missing required column(s): {', '.join(missing)}.")


def open_table(
    path: Path | str,
    columns: tuple[Column, ...],
    *,
    group_by: str = "",
    mapping: Mapping[str, str] | None = None,
    scan: bool = True,
) -> Table:
    """Check the whole file and return a Table to stream its rows; raises ImportFileError.

    ``mapping`` (header text → column name), when given, replaces the built-in names and aliases:
    it is the column mapping a user confirmed in the import wizard. ``scan=False`` stops after
    the header (the bulk path reads the file its own way).
    """
    path = Path(path)
    fmt = detect_format(path)
    header_row, header, positions, ignored = _find_header(fmt, path, columns, mapping)
    table = Table(path, fmt, positions, ignored, width=len(header), header_row=header_row, columns=columns)
    table.group_by = group_by
    table.header = header
    table.header_keys = [header_key(cell) for cell in header]
    if scan:
        table.scan()
    return table
