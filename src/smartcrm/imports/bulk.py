"""The bulk path for large order-line files on PostgreSQL: the row path's rules, checked in columns.

The row-by-row importer writes one order per savepoint through ``orders.services.create_order``:
right for a few thousand lines, far too slow for ten million. Here the file streams through
pyarrow's CSV reader in blocks (constant memory); each block is validated column-wise (a fast
path of anchored patterns for the canonical spellings, the row path's own parsers for the
rest), and every rejected cell goes to an errors table with its row and column. Then the rows
are written in one of two ways, each all or nothing per order and one transaction for the lot,
so a crash half-way leaves nothing behind:

- direct (``bulk_direct``, tried first): each block's complete orders are checked and COPY'd
  straight into the orders tables while the next block is read;
- staged (here, when an order's lines are spread far apart in the file): every block into an
  unlogged staging table, then a few set-based statements do what the row path does per order —
  resolve customers and SKUs, reject every order with a bad line (its other lines say so),
  reject lines that disagree on order-level values, skip orders that exist, insert the rest
  with their totals.

Differences from the row path, all documented in docs/import.md: a row with fewer cells than
the header is rejected (the row path reads the missing cells as blank); day-first/month-first
and the decimal mark are decided from the first block of the file; one audit event for the
run instead of one per order.
"""

# ruff: noqa: S608 - every table name below is ours (fixed, or a random hex token); values are parameters
from __future__ import annotations

import io
import logging
import re
import secrets
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.conf import settings
from django.db import IntegrityError, connection, transaction

from smartcrm.core.db import deferred_indexes
from smartcrm.core.moments import EARLIEST, latest_plausible
from smartcrm.core.text import CONTROL_CHARACTERS, CONTROL_MESSAGE
from smartcrm.imports.bulk_common import (
    DIFFERS,
    NOT_IMPORTED,
    ORDER_LEVEL,
    REQUIRED,
    copy_errors,
    no_errors,
    refresh_touched_customers,
)
from smartcrm.imports.bulk_direct import (
    CompleteOrders,
    DirectOrderWriter,
    NotGrouped,
    OrderGrouper,
    Payload,
    ahead,
)
from smartcrm.imports.errors import ImportCancelled, RowError
from smartcrm.imports.normalise import ColumnProfile, normalise_date, normalise_number
from smartcrm.imports.parsing import CellError, parse_decimal, parse_int, parse_moment
from smartcrm.imports.reader import MAX_CELL_CHARS, Table
from smartcrm.imports.sources import REPLACEMENT
from smartcrm.orders.models import Order, OrderLine, OrderStatus, SalesChannel
from smartcrm.orders.rules import EXCESS_DISCOUNT, line_gross_sql, line_total_sql, order_total_sql

logger = logging.getLogger(__name__)

# Bytes of CSV per block. Up to three blocks are in memory at once (one read and checked, one
# grouped, one written), several times their size as Arrow and pandas columns: at 16 MB the
# import peaked at 0.8-1.4 GB, at 4 MB at 0.56 GB for 1M lines and 0.67 GB for 10M, about 5 %
# slower at 10M (docs/import.md, *Performance*).
BLOCK_BYTES = 4 << 20
KEPT_ERRORS = 1000
# A staged line's price (the product's when the file gives none) and discount (none when blank).
PRICE, DISCOUNT = "coalesce(s.unit_price, p.price)", "coalesce(s.discount, 0)"
LINE_TOTAL = line_total_sql(PRICE, "s.quantity", DISCOUNT)
STAGE_COLUMNS = (
    ("row", "bigint"),
    ("order_key", "text"),
    ("ok", "boolean"),
    ("customer_key", "text"),
    ("sku", "text"),
    ("quantity", "integer"),
    ("unit_price", "numeric(12,2)"),
    ("discount", "numeric(12,2)"),
    ("placed_at", "timestamptz"),
    ("status", "text"),
    ("channel", "text"),
    ("currency", "text"),
    ("shipping", "numeric(14,2)"),
    ("promo", "text"),
)
_QUANTITY = r"^([1-9]\d{0,5}|1000000)$"
_MONEY = r"^\d{1,10}(\.\d{1,2})?$"
_SHIPPING = r"^\d{1,12}(\.\d{1,2})?$"
# A date, or a date-time with an optional offset; anything else goes through ``parse_moment``.
_ISO = (
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?"
    r"(Z|[+-](0\d|1[0-5]):?[0-5]\d)?)?$"
)
_CURRENCY = r"^[A-Za-z]{3}$"
# ``core.text.CONTROL_CHARACTERS`` in UTF-8 bytes: a search of a column's buffer, before any cell is read.
_CONTROL_BYTES = re.compile(rb"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]")

ErrorSink = Callable[[RowError], None]
ProgressCallback = Callable[[int, int], None]


def eligible(table: Table) -> bool:
    """Large CSV files on PostgreSQL take the bulk path; everything else goes row by row."""
    minimum = int(getattr(settings, "SMARTCRM_IMPORT_BULK_MIN_BYTES", 8 << 20))
    return (
        connection.vendor == "postgresql"
        and table.format.kind == "csv"
        and not table.format.mixed_encoding
        and table.path.stat().st_size >= minimum
    )


@contextmanager
def writing_orders(*, unique: bool = False) -> Iterator[bool]:
    """The one transaction either path writes the orders in; yields whether the table was empty.

    Into an empty orders table (a shop's first import), secondary indexes and foreign keys are
    dropped and rebuilt after, inside the same transaction, as the demo loader does; with
    ``unique``, the unique constraints on the order's number and external id as well.
    """
    fresh = not Order.objects.exists()
    with transaction.atomic(), deferred_indexes([Order, OrderLine] if fresh else [], unique=unique):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            cursor.execute("SET LOCAL maintenance_work_mem TO '256MB'")  # the index rebuilds sort
        yield fresh


@dataclass
class ValidatedBlock:
    rows: pa.Table  # STAGE_COLUMNS, the rows with a usable order key, in file order
    errors: pd.DataFrame  # ERROR_COLUMNS, every rejected cell of the block
    nbytes: int  # of the block as read, for progress


class BulkUnsupported(Exception):
    """The file needs the row path (pyarrow cannot parse it, e.g. a quote left open)."""


@dataclass
class BulkCounts:
    rows_total: int = 0
    created: int = 0
    unchanged: int = 0
    failed: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)  # the first KEPT_ERRORS


class _Errors:
    """A block's rejected cells: row numbers, order keys, columns, messages (first error per cell)."""

    def __init__(self, numbers: np.ndarray[Any, Any], keys: pa.Array) -> None:
        self.numbers, self.keys = numbers, keys
        self.bad = np.zeros(len(numbers), dtype=bool)
        self.parts: list[tuple[np.ndarray[Any, Any], str, list[str] | str]] = []

    def add(self, mask: np.ndarray[Any, Any], column: str, message: str | list[str]) -> None:
        index = np.flatnonzero(mask)
        if len(index):
            self.bad[index] = True
            self.parts.append((index, column, message))

    def add_at(self, index: list[int], column: str, messages: list[str]) -> None:
        if index:
            array = np.asarray(index, dtype=np.int64)
            self.bad[array] = True
            self.parts.append((array, column, messages))

    def frame(self, keyless: np.ndarray[Any, Any]) -> pd.DataFrame:
        """The errors as rows of ``ERROR_COLUMNS``.

        A row without a usable order key reports only that, under a blank key: it belongs to no order.
        """
        frames = []
        for index, column, message in self.parts:
            messages = np.asarray(message, dtype=object) if not isinstance(message, str) else None
            if column != "order_external_id":
                keep = ~keyless[index]
                index = index[keep]
                messages = messages[keep] if messages is not None else None
            if not len(index):
                continue
            keys = np.asarray(self.keys.take(pa.array(index)).to_numpy(zero_copy_only=False), dtype=object)
            keys[keyless[index]] = ""
            frames.append(
                pd.DataFrame(
                    {
                        "row": self.numbers[index],
                        "order_key": keys,
                        "col": column,
                        "message": message if messages is None else messages,
                    }
                )
            )
        return pd.concat(frames, ignore_index=True) if frames else no_errors()


class BulkOrderImport:
    """Import one order-line CSV file through staging tables; ``run()`` returns the counts."""

    def __init__(
        self,
        table: Table,
        *,
        system: str,
        on_error: ErrorSink | None = None,
        on_progress: ProgressCallback | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> None:
        self.table = table
        self.should_stop = should_stop
        self.system = system
        self.on_error = on_error
        self.on_progress = on_progress
        self.token = secrets.token_hex(6)
        self.stage = f"imports_stage_{self.token}"
        self.errors = f"imports_stage_errors_{self.token}"
        self.dates = ColumnProfile()
        self.numbers = ColumnProfile()
        self.counts = BulkCounts()
        self.invalid: list[tuple[int, str]] = []
        self.done_bytes = 0

    # -- reading ------------------------------------------------------------------------------

    def _reader(self) -> pacsv.CSVStreamingReader:
        width = self.table.width
        names = [f"c{i}" for i in range(width)]

        def invalid(row: Any) -> str:
            if row.text.strip(self.table.delimiter + " \r\n"):
                message = (
                    "The row has more cells than the header has columns (check quoting and delimiters)."
                    if row.actual_columns > width
                    else "The row has fewer cells than the header has columns."
                )
                self.invalid.append((int(row.number), message))
            return "skip"

        return pacsv.open_csv(
            self.table.path,
            read_options=pacsv.ReadOptions(
                encoding=self.table.format.encoding.replace("utf-8-sig", "utf-8"),
                skip_rows=self.table.header_row,
                column_names=names,
                block_size=BLOCK_BYTES,
                # One parsing thread: Arrow knows a bad row's number only then, and our checks,
                # not parsing, set the pace (the block ahead is prepared in a thread of our own).
                use_threads=False,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=self.table.delimiter,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )

    def run(self) -> BulkCounts:
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE UNLOGGED TABLE {self.errors} "
                "(seq bigserial, row bigint, order_key text, col text, message text)"
            )
        try:
            try:
                self._run_direct()
            except NotGrouped:
                logger.info("bulk import: an order's lines are spread over the file; staging it whole")
                self._reset()
                self._run_staged()
            self._emit_errors()
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self.stage}, {self.errors}")
        return self.counts

    def _reset(self) -> None:
        self.dates, self.numbers = ColumnProfile(), ColumnProfile()
        self.counts = BulkCounts()
        self.invalid = []
        self.done_bytes = 0

    def _run_direct(self) -> None:
        """Blocks straight into the orders tables; ``NotGrouped`` (all rolled back) if they cannot be.

        Into an empty table, an order key that comes back is caught when its unique constraint
        is put back at the end (building the index once costs less than checking each order).
        """
        try:
            self._write_direct()
        except IntegrityError as exc:
            if isinstance(exc.__cause__, psycopg.errors.UniqueViolation):
                raise NotGrouped from exc
            raise

    def _write_direct(self) -> None:
        with writing_orders(unique=True) as fresh:
            writer = DirectOrderWriter(system=self.system, errors_table=self.errors, fresh=fresh)
            grouper = OrderGrouper()

            def prepare(block: ValidatedBlock | None) -> CompleteOrders:
                if block is None:
                    return grouper.flush()
                return grouper.add(block.rows, block.errors)

            # Three batches in flight: the next read and grouped (``ahead``), one built here, the
            # one before it COPY'd by ``sender`` meanwhile. The database reads of a batch come
            # before the COPY of the one before it starts: one connection, one statement at a time.
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bulk-copy") as sender:
                built: tuple[ValidatedBlock | None, Payload] | None = None
                for block, orders in ahead(self._blocks(), prepare):
                    looked_up = writer.look_up(orders)
                    sending = sender.submit(writer.send, built[1]) if built else None
                    payload = writer.build(looked_up)
                    if sending is not None and built is not None:
                        sending.result()
                        self._tick(built[0])
                    built = (block, payload)
                if built is not None:
                    writer.send(built[1])
                    self._tick(built[0])
            writer.finish()
            copy_errors(self.errors, self._skipped_rows())
            self.counts.created, self.counts.unchanged = writer.created, writer.unchanged

    def _run_staged(self) -> None:
        """Every block into a staging table, then set-based statements: any order of lines."""
        with connection.cursor() as cursor:
            columns = ", ".join(f"{name} {kind}" for name, kind in STAGE_COLUMNS)
            cursor.execute(f"CREATE UNLOGGED TABLE {self.stage} ({columns})")
        for block in self._blocks():
            buffer = io.BytesIO()
            pacsv.write_csv(
                block.rows, buffer, pacsv.WriteOptions(include_header=False, quoting_style="needed")
            )
            with transaction.atomic(), connection.cursor() as cursor:
                # Times without an offset are the shop's local time. SET LOCAL outlives a
                # savepoint, so inside a caller's transaction the zone is put back after the COPY.
                cursor.execute("SELECT current_setting('TimeZone')")
                (session_zone,) = cursor.fetchone()
                cursor.execute("SET LOCAL TIME ZONE %s", [settings.TIME_ZONE])
                cursor.execute("SET LOCAL synchronous_commit TO OFF")  # staging is rebuilt if lost
                with cursor.copy(f"COPY {self.stage} FROM STDIN (FORMAT csv)") as copy:
                    copy.write(buffer.getbuffer())
                cursor.execute("SELECT set_config('TimeZone', %s, true)", [session_zone])
            copy_errors(self.errors, block.errors)
            self._tick(block)
        copy_errors(self.errors, self._skipped_rows())
        with writing_orders():
            self._write_orders()

    def _blocks(self) -> Iterator[ValidatedBlock]:
        """The file's validated blocks (no database work: the direct path runs this in a thread)."""
        next_record = self.table.header_row + 1
        try:
            for batch in self._reader():
                invalid = sorted(n for n, _ in self.invalid)
                numbers, next_record = _numbers(next_record, batch.num_rows, invalid)
                block = self._validate(batch, numbers)
                if block is not None:
                    yield block
        except pa.ArrowInvalid as exc:
            raise BulkUnsupported(str(exc)) from exc

    def _tick(self, block: ValidatedBlock | None) -> None:
        """After a block is written: a cancel stops the run (rolling back what it wrote); progress."""
        if block is None:  # the end of the file
            return
        if self.should_stop and self.should_stop():
            raise ImportCancelled
        self.done_bytes += block.nbytes
        if self.on_progress:
            size = max(1, self.table.path.stat().st_size)
            rows = self.counts.rows_total
            self.on_progress(rows, max(rows, int(rows * size / max(1, self.done_bytes))))

    def _skipped_rows(self) -> pd.DataFrame:
        """Rows the CSV reader skipped (too many or too few cells), as errors; they count as failed."""
        self.counts.rows_total += len(self.invalid)
        return pd.DataFrame(
            {
                "row": [n for n, _ in self.invalid],
                "order_key": "",
                "col": "",
                "message": [message for _, message in self.invalid],
            }
        )

    # -- one block ----------------------------------------------------------------------------

    def _validate(self, batch: pa.RecordBatch, numbers: np.ndarray[Any, Any]) -> ValidatedBlock | None:
        """Check one block column-wise; its rows in canonical text (``STAGE_COLUMNS``) and its errors."""
        all_cells = [pc.utf8_trim_whitespace(column) for column in batch.columns]
        filled = np.zeros(batch.num_rows, dtype=bool)
        for column in all_cells:
            filled |= pc.not_equal(column, "").to_numpy(zero_copy_only=False)
        if not filled.all():
            keep = pa.array(filled)
            numbers = numbers[filled]
            all_cells = [pc.filter(column, keep) for column in all_cells]
        n = len(numbers)
        if n == 0:
            return None
        self.counts.rows_total += n
        # PostgreSQL text cannot hold NUL: reported below from the cells as read, then replaced,
        # so that the rejected row's key and values can still be looked up and reported.
        texts = [_text_of(column) for column in all_cells]  # searched here and by the checks
        clean = [
            pc.replace_substring(column, "\x00", REPLACEMENT) if b"\x00" in text else column
            for column, text in zip(all_cells, texts, strict=True)
        ]
        empty = pa.array([""] * n, pa.string())
        text = {
            name: clean[index]
            if (index := self.table.positions.get(name, -1)) in range(len(clean))
            else empty
            for name in _NAMES
        }
        key = text["order_external_id"]
        errors = _Errors(numbers, key)
        key_blank = _np(pc.equal(key, ""))
        key_long = _np(pc.greater(pc.utf8_length(key), 120))
        self._check_problems(all_cells, texts, errors)
        self._check_repeated_header(all_cells, errors)
        errors.add(_np(pc.equal(text["sku"], "")), "sku", REQUIRED)
        quantity = self._integers(text["quantity"], errors)
        unit_price = self._money(text["unit_price"], "unit_price", _MONEY, 12, text["currency"], errors)
        discount = self._money(text["discount"], "discount", _MONEY, 12, text["currency"], errors)
        shipping = self._money(
            text["shipping_total"], "shipping_total", _SHIPPING, 14, text["currency"], errors
        )
        placed_at = self._dates(text["placed_at"], errors)
        status = self._choice(text["status"], "status", list(OrderStatus.values), errors)
        channel = self._choice(text["channel"], "channel", list(SalesChannel.values), errors)
        currency = self._currency(text["currency"], errors)
        promo = text["promotion_code"]
        errors.add(_np(pc.greater(pc.utf8_length(promo), 40)), "promotion_code", "At most 40 characters.")

        # A row without a usable order key reports only that (it belongs to no order).
        keyless = key_blank | key_long
        errors.add(key_blank, "order_external_id", REQUIRED)
        errors.add(key_long, "order_external_id", "At most 120 characters.")
        self.counts.failed += int(keyless.sum())
        rows = pa.table(
            {
                "row": pa.array(numbers, pa.int64()),
                "order_key": key,
                "ok": pa.array(~errors.bad),
                "customer_key": _nullable(text["customer_external_id"]),
                "sku": text["sku"],
                "quantity": quantity,
                "unit_price": unit_price,
                "discount": discount,
                "placed_at": placed_at,
                "status": status,
                "channel": channel,
                "currency": currency,
                "shipping": shipping,
                "promo": _nullable(promo),
            }
        ).filter(pa.array(~keyless))
        return ValidatedBlock(rows=rows, errors=errors.frame(keyless), nbytes=batch.nbytes)

    def _check_problems(self, columns: list[pa.Array], texts: list[bytes], errors: _Errors) -> None:
        names = {index: name for name, index in self.table.positions.items()}
        for index, (column, text) in enumerate(zip(columns, texts, strict=True)):
            name = names.get(index)
            if name is None:
                continue
            # Each check reads every cell only when a search of the column's text finds a reason.
            if b"\x00" in text:
                errors.add(
                    _np(pc.match_substring(column, "\x00")),
                    name,
                    "Contains a NUL character (a damaged or binary file?).",
                )
            elif _CONTROL_BYTES.search(text):
                errors.add(
                    _np(pc.match_substring_regex(column, CONTROL_CHARACTERS.pattern)), name, CONTROL_MESSAGE
                )
            if len(column) and pc.max(pc.binary_length(column)).as_py() > MAX_CELL_CHARS:  # bytes ≥ chars
                errors.add(
                    _np(pc.greater(pc.utf8_length(column), MAX_CELL_CHARS)),
                    name,
                    f"Longer than {MAX_CELL_CHARS:,} characters.",
                )
            if REPLACEMENT.encode() in text:
                errors.add(
                    _np(pc.match_substring(column, REPLACEMENT)),
                    "",
                    "Holds bytes that are not valid text in the file's encoding; "
                    "re-save the file as 'CSV UTF-8'.",
                )

    def _check_repeated_header(self, columns: list[pa.Array], errors: _Errors) -> None:
        same = np.ones(len(errors.numbers), dtype=bool)
        for column, header in zip(columns, self.table.header, strict=False):
            same &= _np(pc.equal(column, header.strip().lstrip("\ufeff")))
            if not same.any():
                return
        errors.add(same, "", "Repeats the header row (were two files joined together?); skipped.")

    def _slow(
        self,
        column: pa.Array,
        fast: np.ndarray[Any, Any],
        convert: Callable[[int, str], str],
        name: str,
        errors: _Errors,
    ) -> pa.Array:
        """Canonical text for every cell: fast cells as they are, the rest through ``convert``."""
        slow = np.flatnonzero(~fast)
        if not len(slow):
            return column
        bad_index: list[int] = []
        bad_messages: list[str] = []
        replaced: list[str | None] = []
        for i, value in zip(slow.tolist(), column.take(pa.array(slow)).to_pylist(), strict=True):
            try:
                replaced.append(convert(i, value))
            except CellError as exc:
                bad_index.append(i)
                bad_messages.append(exc.message)
                replaced.append(None)
        errors.add_at(bad_index, name, bad_messages)
        mask = np.zeros(len(column), dtype=bool)
        mask[slow] = True
        return pc.replace_with_mask(column, pa.array(mask), pa.array(replaced, pa.string()))

    def _integers(self, column: pa.Array, errors: _Errors) -> pa.Array:
        blank = _np(pc.equal(column, ""))
        fast = _np(pc.match_substring_regex(column, _QUANTITY)) | blank

        def convert(_: int, text: str) -> str:
            return str(parse_int(normalise_number(text, self.numbers)[0], minimum=1, maximum=1_000_000))

        canonical = self._slow(column, fast, convert, "quantity", errors)
        return pc.if_else(pa.array(blank), pa.scalar("1"), canonical)

    def _money(
        self,
        column: pa.Array,
        name: str,
        pattern: str,
        digits: int,
        currency: pa.Array,
        errors: _Errors,
    ) -> pa.Array:
        blank = _np(pc.equal(column, ""))
        fast = _np(pc.match_substring_regex(column, pattern)) | blank
        if not fast.all():
            for value in column.filter(pa.array(~fast)).to_pylist()[:200]:
                self.numbers.observe_number(value)
        currencies = currency.to_pylist() if not fast.all() else []

        def convert(i: int, text: str) -> str:
            number, sign = normalise_number(text, self.numbers)
            if sign and currencies[i] and currencies[i].upper() != sign:
                raise CellError("Its currency sign differs from the row's currency column.")
            return str(parse_decimal(number, max_digits=digits))

        canonical = self._slow(column, fast, convert, name, errors)
        return pc.if_else(pa.array(blank), pa.scalar(None, pa.string()), canonical)

    def _dates(self, column: pa.Array, errors: _Errors) -> pa.Array:
        blank = _np(pc.equal(column, ""))
        iso = _np(pc.match_substring_regex(column, _ISO))
        day = pc.utf8_slice_codeunits(column, 0, 10)
        real = _np(pc.is_valid(pc.strptime(day, "%Y-%m-%d", "s", error_is_null=True)))
        # Days outside the plausible window (and the window's edges) go to ``parse_moment``, which
        # refuses them with its message.
        first, last = EARLIEST.date() + timedelta(days=1), latest_plausible().date() - timedelta(days=1)
        plausible = _np(
            pc.and_(pc.greater_equal(day, first.isoformat()), pc.less_equal(day, last.isoformat()))
        )
        fast = (iso & real & plausible) | blank
        if not fast.all():
            for value in column.filter(pa.array(~fast)).to_pylist()[:200]:
                self.dates.observe_date(value)

        def convert(_: int, text: str) -> str:
            return parse_moment(normalise_date(text, self.dates)).isoformat()

        canonical = self._slow(column, fast, convert, "placed_at", errors)
        return pc.if_else(pa.array(blank), pa.scalar(None, pa.string()), canonical)

    def _choice(self, column: pa.Array, name: str, choices: list[str], errors: _Errors) -> pa.Array:
        lower = pc.utf8_lower(column)
        blank = _np(pc.equal(column, ""))
        known = _np(pc.is_in(lower, pa.array(choices)))
        errors.add(~known & ~blank, name, f"Must be one of: {', '.join(choices)}.")
        return pc.if_else(pa.array(known), lower, pa.scalar(None, pa.string()))

    def _currency(self, column: pa.Array, errors: _Errors) -> pa.Array:
        blank = _np(pc.equal(column, ""))
        good = _np(pc.match_substring_regex(column, _CURRENCY))
        errors.add(~good & ~blank, "currency", "Use a three-letter ISO currency code, e.g. EUR.")
        return pc.if_else(pa.array(good), pc.utf8_upper(column), pa.scalar(None, pa.string()))

    # -- the set-based write ------------------------------------------------------------------

    def _write_orders(self) -> None:
        stage, errors = self.stage, self.errors
        with connection.cursor() as cursor:
            run = cursor.execute
            run(f"ANALYZE {stage}")
            order_fields = ", ".join(
                f"min({c}) AS {c}, max({c}) AS {c}_max, min(row) FILTER (WHERE {c} IS NOT NULL) AS {c}_row"
                for c in ORDER_LEVEL
            )
            run(
                f"CREATE TEMP TABLE imports_agg ON COMMIT DROP AS SELECT order_key, count(*) AS n_lines, "
                f"min(row) AS first_row, {order_fields} FROM {stage} GROUP BY order_key"
            )
            run("ANALYZE imports_agg")  # temp tables have no statistics until told; plans depend on them
            run(
                "CREATE TEMP TABLE imports_existing ON COMMIT DROP AS SELECT a.order_key, a.n_lines "
                "FROM imports_agg a JOIN orders_order o ON o.external_id = a.order_key"
            )
            run("SELECT coalesce(sum(n_lines), 0) FROM imports_existing")
            self.counts.unchanged = int(cursor.fetchone()[0])
            run(f"DELETE FROM {errors} e USING imports_existing x WHERE e.order_key = x.order_key")
            run("DELETE FROM imports_agg a USING imports_existing x WHERE a.order_key = x.order_key")
            run(
                f"INSERT INTO {errors} (row, order_key, col, message) "
                "SELECT first_row, order_key, 'customer_external_id', %s FROM imports_agg "
                "WHERE customer_key IS NULL "
                "UNION ALL SELECT first_row, order_key, 'placed_at', %s FROM imports_agg "
                "WHERE placed_at IS NULL AND NOT EXISTS (SELECT 1 FROM "
                f"{errors} e WHERE e.order_key = imports_agg.order_key AND e.col = 'placed_at')",
                [REQUIRED, REQUIRED],
            )
            run(
                f"INSERT INTO {errors} (row, order_key, col, message) "
                "SELECT a.customer_key_row, a.order_key, 'customer_external_id', %s FROM imports_agg a "
                "LEFT JOIN customers_externalid x ON x.system = %s AND x.value = a.customer_key "
                "WHERE a.customer_key IS NOT NULL AND x.id IS NULL",
                [
                    f"No customer with this id in system '{self.system}' (import the customers first).",
                    self.system,
                ],
            )
            conflicts = " OR ".join(f"{c} <> {c}_max" for c in ORDER_LEVEL)
            run(f"SELECT count(*) FROM imports_agg WHERE {conflicts}")
            if cursor.fetchone()[0]:
                for column, reported in ORDER_LEVEL.items():
                    run(
                        f"INSERT INTO {errors} (row, order_key, col, message) "
                        f"SELECT s.row, s.order_key, %s, replace(%s, '{{row}}', a.{column}_row::text) "
                        f"FROM {stage} s JOIN imports_agg a ON a.order_key = s.order_key "
                        f"WHERE a.{column} <> a.{column}_max AND s.{column} IS NOT NULL "
                        f"AND s.{column} IS DISTINCT FROM (SELECT t.{column} FROM {stage} t "
                        f"WHERE t.row = a.{column}_row)",
                        [reported, DIFFERS],
                    )
            run(
                f"INSERT INTO {errors} (row, order_key, col, message) "
                f"SELECT s.row, s.order_key, 'sku', %s FROM {stage} s "
                "JOIN imports_agg a ON a.order_key = s.order_key "
                "LEFT JOIN catalog_product p ON p.sku = s.sku "
                "WHERE s.sku <> '' AND p.id IS NULL",
                ["No product with this SKU (import the products first)."],
            )
            run(
                f"INSERT INTO {errors} (row, order_key, col, message) "
                f"SELECT s.row, s.order_key, 'discount', %s FROM {stage} s "
                "JOIN imports_agg a ON a.order_key = s.order_key "
                "JOIN catalog_product p ON p.sku = s.sku "
                f"WHERE {DISCOUNT} > {line_gross_sql(PRICE, 's.quantity')}",
                [EXCESS_DISCOUNT],
            )
            run(
                "CREATE TEMP TABLE imports_bad ON COMMIT DROP AS "
                f"SELECT order_key, min(row) AS first_bad FROM {errors} "
                "WHERE order_key <> '' GROUP BY order_key"
            )
            run("SELECT count(*) FROM imports_bad")
            if cursor.fetchone()[0]:
                run(
                    f"INSERT INTO {errors} (row, order_key, col, message) "
                    f"SELECT s.row, s.order_key, '', replace(%s, '{{row}}', b.first_bad::text) "
                    f"FROM {stage} s JOIN imports_bad b ON b.order_key = s.order_key "
                    f"WHERE NOT EXISTS (SELECT 1 FROM {errors} e "
                    "WHERE e.order_key = s.order_key AND e.row = s.row)",
                    [NOT_IMPORTED],
                )
                run("DELETE FROM imports_agg a USING imports_bad b WHERE a.order_key = b.order_key")
            self._insert(cursor)

    def _insert(self, cursor: Any) -> None:
        stage = self.stage
        cursor.execute(
            "CREATE TEMP TABLE imports_totals ON COMMIT DROP AS "
            f"SELECT s.order_key, sum({line_gross_sql(PRICE, 's.quantity')}) AS subtotal, "
            f"sum({DISCOUNT}) AS discount_total, "
            f"sum({LINE_TOTAL}) AS lines_total, count(*) AS n_lines "
            f"FROM {stage} s JOIN imports_agg a ON a.order_key = s.order_key "
            "JOIN catalog_product p ON p.sku = s.sku GROUP BY s.order_key"
        )
        cursor.execute("ANALYZE imports_totals")
        # Orders that existed were taken out above. No ON CONFLICT (its speculative insertion costs
        # a third of this statement): an order another import writes meanwhile fails this whole
        # transaction on the unique external_id, and running the file again is safe.
        cursor.execute("SELECT pg_get_serial_sequence('orders_order', 'id')")
        sequence = cursor.fetchone()[0]  # named once: a lookup per row costs more than the nextval
        cursor.execute("CREATE TEMP TABLE imports_new (id bigint, order_key text) ON COMMIT DROP")
        cursor.execute(
            "WITH ins AS (INSERT INTO orders_order (id, number, external_id, customer_id, status, channel, "
            "currency, placed_at, subtotal, discount_total, shipping_total, total, refunded_total, "
            "promotion_code, ship_city, ship_country, created_at, updated_at) "
            "SELECT q.id, 'SO-' || lpad(q.id::text, 8, '0'), q.order_key, q.customer_id, q.status, "
            "q.channel, q.currency, q.placed_at, q.subtotal, q.discount_total, q.shipping, "
            f"{order_total_sql('q.lines_total', 'q.shipping')}, 0, "
            "q.promo, q.city, q.country, now(), now() FROM ("
            "SELECT nextval(%s::regclass) AS id, a.order_key, "
            "x.customer_id, coalesce(a.status, %s) AS status, coalesce(a.channel, %s) AS channel, "
            "coalesce(a.currency, %s) AS currency, a.placed_at, t.subtotal, t.discount_total, "
            "coalesce(a.shipping, 0) AS shipping, t.lines_total, coalesce(a.promo, '') AS promo, "
            "c.city, c.country FROM imports_agg a "
            "JOIN imports_totals t ON t.order_key = a.order_key "
            "JOIN customers_externalid x ON x.system = %s AND x.value = a.customer_key "
            "JOIN customers_customer c ON c.id = x.customer_id) q "
            "RETURNING id, external_id) "
            "INSERT INTO imports_new SELECT id, external_id FROM ins",
            [
                sequence,
                OrderStatus.PAID.value,
                SalesChannel.WEB.value,
                settings.SMARTCRM_CURRENCY,
                self.system,
            ],
        )
        cursor.execute("ANALYZE imports_new")
        cursor.execute(
            "INSERT INTO orders_orderline (order_id, product_id, quantity, unit_price, discount, line_total, "
            f"returned_quantity) SELECT n.id, p.id, s.quantity, {PRICE}, {DISCOUNT}, "
            f"{LINE_TOTAL}, 0 FROM {stage} s JOIN imports_new n ON n.order_key = s.order_key "
            "JOIN catalog_product p ON p.sku = s.sku "
            "ORDER BY s.row"
        )
        self.counts.created = cursor.rowcount
        refresh_touched_customers(
            cursor, "SELECT DISTINCT o.customer_id FROM orders_order o JOIN imports_new n ON n.id = o.id"
        )
        # ON COMMIT DROP does not fire when this runs inside an outer transaction (a savepoint).
        cursor.execute("DROP TABLE imports_agg, imports_existing, imports_bad, imports_totals, imports_new")

    def _emit_errors(self) -> None:
        self.counts.failed = self.counts.rows_total - self.counts.created - self.counts.unchanged
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT row, col, message FROM {self.errors} ORDER BY row, seq")
            while chunk := cursor.fetchmany(10_000):
                for row, column, message in chunk:
                    error = RowError(int(row), column or "", message)
                    if self.on_error:
                        self.on_error(error)
                    self.counts.error_count += 1
                    if len(self.counts.errors) < KEPT_ERRORS:
                        self.counts.errors.append(error)


_NAMES = (
    "order_external_id",
    "customer_external_id",
    "sku",
    "quantity",
    "unit_price",
    "discount",
    "placed_at",
    "status",
    "channel",
    "currency",
    "shipping_total",
    "promotion_code",
)


def _text_of(column: pa.Array) -> bytes:
    """The characters of a string column's cells, run together (of a slice: its parent's too)."""
    data = column.buffers()[2]
    return b"" if data is None else data.to_pybytes()


def _np(array: pa.Array | pa.ChunkedArray) -> np.ndarray[Any, Any]:
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=bool)


def _nullable(column: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)


def _numbers(start: int, count: int, skipped: list[int]) -> tuple[np.ndarray[Any, Any], int]:
    """Record numbers of the next ``count`` kept rows from ``start``, jumping the skipped ones."""
    span = np.arange(start, start + count + len(skipped) + 1, dtype=np.int64)
    kept = span[~np.isin(span, skipped)][:count]
    return kept, int(kept[-1]) + 1 if count else start
