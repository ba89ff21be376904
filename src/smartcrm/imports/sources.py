"""What kind of file came in, and its records as lists of cell texts: CSV in any common encoding, or XLSX.

Detection looks at the bytes, never trusts the name: a workbook renamed ``.csv`` is read as a
workbook, a text file renamed ``.xlsx`` is refused with the reason. Both formats stream: CSV
through the ``csv`` module on a decoding text stream, XLSX through openpyxl's read-only mode
(after checking the zip's declared sizes, so a zip bomb is refused before anything inflates).

Encodings: a byte-order mark decides (UTF-8, UTF-16, UTF-32). Without one the whole file is
scanned as UTF-8; if every byte decodes, it is UTF-8. If some UTF-8 text decodes and some does
not (files glued together from two systems), it is read as UTF-8 and the rows holding
undecodable bytes are rejected one by one. If no non-ASCII text decodes as UTF-8, the file is a
legacy export and charset-normalizer chooses between GB18030 (a superset of GBK and GB2312) and
Windows-1252 (with Latin-1 for the five bytes Windows-1252 leaves undefined).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import charset_normalizer
from django.conf import settings

from smartcrm.imports.errors import ImportFileError

DELIMITERS = (",", ";", "\t", "|")
SAMPLE_BYTES = 64 * 1024
SCAN_BLOCK = 1024 * 1024
# A cell longer than this stops the csv module (the file is refused); shorter cells that are still
# longer than any column allows are rejected per row by the reader.
CSV_FIELD_LIMIT = 1024 * 1024
# Share of control bytes (other than tab, CR, LF, FF) above which a file is binary, not text.
BINARY_CONTROL_SHARE = 0.02
# Legacy encodings charset-normalizer may choose from (the ones small shops' tools export).
LEGACY_ENCODINGS = ["gb18030", "cp1252"]
# An .xlsx whose parts inflate to more than this many times their compressed size is refused.
MAX_XLSX_RATIO = 200
REPLACEMENT = "\ufffd"
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16",
    "utf-32": "UTF-32",
    "gb18030": "GB18030 (GBK)",
    "cp1252": "Windows-1252 (Latin-1)",
}

csv.field_size_limit(CSV_FIELD_LIMIT)


def _latin1_fallback(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("smartcrm_latin1", _latin1_fallback)


@dataclass(frozen=True)
class FileFormat:
    """How to read a file: ``kind`` is ``csv`` or ``xlsx``; encoding and delimiter are for CSV."""

    kind: str
    encoding: str = ""
    delimiter: str = ","
    mixed_encoding: bool = False

    @property
    def description(self) -> str:
        if self.kind == "xlsx":
            return "Excel workbook (.xlsx), first sheet"
        names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
        encoding = ENCODING_LABELS.get(self.encoding, self.encoding)
        mixed = " with some rows in another encoding" if self.mixed_encoding else ""
        return f"CSV, {encoding}{mixed}, {names[self.delimiter]}-separated"

    @property
    def errors(self) -> str:
        """The codec error handler: undecodable bytes become U+FFFD, and their rows are rejected."""
        return "smartcrm_latin1" if self.encoding == "cp1252" else "replace"


def max_xlsx_bytes() -> int:
    return int(settings.SMARTCRM_IMPORT_MAX_XLSX_MB) * 1024 * 1024


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(SAMPLE_BYTES)
    except FileNotFoundError as exc:
        raise ImportFileError(f"No such file: {path.name}") from exc
    except IsADirectoryError as exc:
        raise ImportFileError(f"{path.name} is a directory, not a file.") from exc
    except OSError as exc:
        raise ImportFileError(f"Cannot read {path.name}: {exc.strerror}.") from exc


def detect_format(path: Path) -> FileFormat:
    """Look at the bytes and say how to read the file; raises ImportFileError if it cannot be read."""
    head = _head(path)
    if head.startswith(b"PK\x03\x04"):
        check_xlsx(path)
        return FileFormat("xlsx")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            "This is an old-style Excel workbook (.xls). Save it as .xlsx or as CSV and import that file."
        )
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise ImportFileError(
            "The file is named .xlsx but is not an Excel workbook (it is not a zip archive). "
            "Export it again from your spreadsheet, or rename it .csv if it is CSV text."
        )
    if head.startswith(b"PK"):
        raise ImportFileError("This is a zip archive, not an .xlsx workbook or CSV file.")
    encoding = next((name for bom, name in BOMS if head.startswith(bom)), "")
    mixed = False
    if not encoding:
        _check_text(head)
        encoding, mixed = _scan_encoding(path)
    sample = _decoded_sample(head, encoding)
    if not sample.strip().strip("\ufeff").strip():
        raise ImportFileError("The file is empty.")
    return FileFormat("csv", encoding=encoding, delimiter=sniff_delimiter(sample), mixed_encoding=mixed)


def _check_text(head: bytes) -> None:
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    if controls > max(8, len(head) * BINARY_CONTROL_SHARE):
        raise ImportFileError(
            "This looks like a binary file, not CSV text or an .xlsx workbook "
            "(or a UTF-16 file without a byte-order mark: save it as 'CSV UTF-8')."
        )


def _scan_encoding(path: Path) -> tuple[str, bool]:
    """UTF-8 if the whole file decodes; mixed if most non-ASCII lines do; else a legacy encoding.

    Lines, not characters, are counted: GBK's byte pairs are often valid UTF-8 by accident, but a
    whole GBK line almost never is.
    """
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    try:
        with path.open("rb") as handle:
            while block := handle.read(SCAN_BLOCK):
                decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8", False
    good = bad = 0
    sample = bytearray()
    with path.open("rb") as handle:
        for line in handle:
            if line.isascii():
                continue
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                bad += 1
                if len(sample) < SAMPLE_BYTES * 4:
                    sample += line
            else:
                good += 1
    if good > bad:
        return "utf-8", True
    best = charset_normalizer.from_bytes(bytes(sample), cp_isolation=LEGACY_ENCODINGS).best()
    encoding = best.encoding if best is not None else "cp1252"
    return ("gb18030" if encoding == "gb18030" else "cp1252"), False


def _decoded_sample(head: bytes, encoding: str) -> str:
    errors = "smartcrm_latin1" if encoding == "cp1252" else "replace"
    text = codecs.getincrementaldecoder(encoding)(errors=errors).decode(head)
    if len(head) == SAMPLE_BYTES and "\n" in text:
        text = text[: text.rindex("\n") + 1]  # drop the partial last line
    return text


def sniff_delimiter(sample: str) -> str:
    """The delimiter giving the most records the same number (> 1) of cells; comma on a tie."""
    best, best_score = ",", (0.0, 0)
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    for delimiter in DELIMITERS:
        try:
            widths = [len(record) for record in csv.reader(lines, delimiter=delimiter) if record]
        except csv.Error:
            continue
        if not widths:
            continue
        width, count = Counter(widths).most_common(1)[0]
        score = (count / len(widths) if width > 1 else 0.0, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


# --- XLSX ------------------------------------------------------------------------------------------


def check_xlsx(path: Path) -> None:
    """Refuse zip bombs, damaged archives and zips that are not workbooks, before openpyxl sees them."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ImportFileError(
            "The workbook is damaged or truncated (its zip directory cannot be read); "
            "save it again from your spreadsheet."
        ) from exc
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        raise ImportFileError("This zip file is not an Excel workbook (.xlsx): it has no xl/workbook.xml.")
    inflated = sum(member.file_size for member in members)
    compressed = sum(member.compress_size for member in members) or 1
    if inflated > max_xlsx_bytes() or inflated / compressed > MAX_XLSX_RATIO:
        raise ImportFileError(
            f"The workbook would unpack to {inflated / 2**20:,.0f} MB from {compressed / 2**20:,.1f} MB "
            "(a zip bomb, or far larger than an import should be); it was not opened."
        )


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time.min else value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.15g}"
    return str(value)


def _xlsx_records(path: Path) -> Iterator[list[str]]:
    import openpyxl

    check_xlsx(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged parts
        raise ImportFileError("The workbook cannot be read (damaged or truncated); save it again.") from exc
    try:
        if not workbook.worksheets:
            raise ImportFileError("The workbook has no sheets.")
        sheet = workbook.worksheets[0]
        try:
            for values in sheet.iter_rows(values_only=True):
                yield [_xlsx_text(value) for value in values]
        except ImportFileError:
            raise
        except Exception as exc:
            raise ImportFileError(
                "The workbook's first sheet is damaged or truncated part-way; save it again."
            ) from exc
    finally:
        workbook.close()


# --- records -------------------------------------------------------------------------------------


def open_text(path: Path, fmt: FileFormat) -> io.TextIOWrapper:
    return io.TextIOWrapper(path.open("rb"), encoding=fmt.encoding, errors=fmt.errors, newline="")


class Records:
    """Every record of the file, blank ones included (so numbering matches the spreadsheet).

    After iterating a CSV file, ``unclosed_quote`` says whether a quote was left open: the csv
    module then reads the rest of the file into the last cell instead of failing, so the reader
    rejects that last record rather than import a cell swallowed from many rows.
    """

    def __init__(self, path: Path, fmt: FileFormat) -> None:
        self.path, self.format = path, fmt
        self.unclosed_quote = False

    def __iter__(self) -> Iterator[list[str]]:
        if self.format.kind == "xlsx":
            yield from _xlsx_records(self.path)
            return
        number = 0
        quotes = 0

        def lines(handle: io.TextIOWrapper) -> Iterator[str]:
            nonlocal quotes
            for line in handle:
                quotes += line.count('"')
                yield line

        with open_text(self.path, self.format) as handle:
            reader = csv.reader(lines(handle), delimiter=self.format.delimiter)
            try:
                for number, record in enumerate(reader, start=1):  # noqa: B007 - used in the message
                    yield record
            except csv.Error as exc:
                raise ImportFileError(
                    f"The file is not valid CSV near row {number + 1}: {exc} "
                    f"(a cell may be longer than {CSV_FIELD_LIMIT:,} characters)."
                ) from exc
        self.unclosed_quote = quotes % 2 == 1


def records(path: Path, fmt: FileFormat) -> Records:
    return Records(path, fmt)
