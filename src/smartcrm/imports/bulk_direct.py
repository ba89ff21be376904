"""The fast bulk path: validated blocks straight into ``orders_order`` and ``orders_orderline`` by COPY.

Most exports list an order's lines together. Then every order of a block is complete once the
block is read — except the block's last order, whose lines may go on in the next block, so it
waits for it. Each block's orders are checked as the staging path's set-based statements check
them (the same rules and messages), totalled in integer cents, given ids from the orders
sequence and COPY'd with their lines: no staging table and no second pass over the rows.

A file that brings an order back after it was written (its lines spread far apart) is caught —
into an empty table when the unique constraint on the order's external id is put back at the
end, else by the look-up of existing orders, which finds it with an id this run allocated — and
``NotGrouped`` sends the caller, rolled back, to the staging path, which takes lines in any order.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.conf import settings
from django.db import connection
from django.utils import timezone

from smartcrm.imports.bulk_common import (
    DIFFERS,
    ERROR_COLUMNS,
    NOT_IMPORTED,
    ORDER_LEVEL,
    REQUIRED,
    errors_csv,
    no_errors,
    refresh_touched_customers,
)
from smartcrm.imports.parsing import parse_moment
from smartcrm.orders.models import OrderStatus, SalesChannel
from smartcrm.orders.rules import EXCESS_DISCOUNT, line_gross_cents, line_total_cents, order_total_cents

T = TypeVar("T")
R = TypeVar("R")
# Customers remembered between blocks: customers buy again, and a remembered one is not looked
# up again. Roughly 200 bytes each (key, dict entry, tuple; cities and countries are shared
# strings); bounded so memory stays flat in file size. At 100,000 the 10M-line bench (333,333
# customers) looked up most of them again in every block and ran 5 % slower.
MAX_KNOWN_CUSTOMERS = 500_000
MONEY = ("unit_price", "discount", "shipping")
CUSTOMER_COLUMNS = ["customer_id", "city", "country"]
TEXT = ("customer_key", "sku", "status", "channel", "currency", "promo")
# An offset after the date part: Z, +02, +0200 or +02:00.
_OFFSET = r"(?:Z|[+-]\d\d(?::?\d\d)?)$"


class NotGrouped(Exception):
    """An order's lines come back after the order was written: the file needs the staging path."""


def pa_to_frame(rows: pa.Table) -> pd.DataFrame:
    """Canonical text to typed columns: whole quantities, money in integer cents, UTC instants.

    Blank money is NaN; a cell that failed its check is null here and its row is not ``ok``.
    """
    frame = pd.DataFrame(
        {
            "row": rows["row"].to_numpy(),
            "order_key": _objects(rows["order_key"]),
            "ok": rows["ok"].to_numpy(),
            "quantity": pc.fill_null(pc.cast(rows["quantity"], pa.int64()), 0).to_numpy(),
            "placed_at": _instants(rows["placed_at"]),
        }
    )
    for name in MONEY:
        frame[name] = np.round(pc.cast(rows[name], pa.float64()).to_numpy(zero_copy_only=False) * 100)
    for name in TEXT:
        frame[name] = _objects(rows[name])
    return frame


def _objects(column: pa.ChunkedArray) -> np.ndarray[Any, Any]:
    return np.asarray(column.to_numpy(zero_copy_only=False), dtype=object)


def _instants(text: pa.ChunkedArray) -> pd.Series:
    """ISO 8601 text to UTC; text without an offset is in the shop's time zone (as ``parse_moment``).

    The block checks let through only dates and date-times Arrow's parser reads; a local time
    that the clock change makes ambiguous or skips makes Arrow refuse the block, which is then
    read cell by cell with ``parse_moment`` itself.
    """
    text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
    aware = pc.fill_null(pc.match_substring_regex(pc.utf8_slice_codeunits(text, 10), _OFFSET), False)
    nothing = pa.scalar(None, pa.string())
    try:
        instants = pc.if_else(
            aware,
            pc.cast(pc.if_else(aware, text, nothing), pa.timestamp("us", "UTC")),
            pc.assume_timezone(
                pc.cast(pc.if_else(aware, nothing, text), pa.timestamp("us")),
                settings.TIME_ZONE,
                ambiguous="raise",
                nonexistent="raise",
            ).cast(pa.timestamp("us", "UTC")),
        )
    except pa.ArrowInvalid:
        moments = [None if t is None else parse_moment(t) for t in text.to_pylist()]
        return pd.Series(pd.to_datetime(moments, utc=True), dtype="datetime64[ns, UTC]")
    return instants.to_pandas().astype("datetime64[ns, UTC]")


@dataclass
class CompleteOrders:
    """Rows of whole orders (every line of each is here), their cell errors, and per-order values."""

    rows: pd.DataFrame
    errors: pd.DataFrame
    orders: pd.DataFrame  # see ``_orders``


class OrderGrouper:
    """Turns a run's blocks, in file order, into batches of complete orders.

    A block's last order waits for the next block (its lines may go on there). No database work:
    the direct path runs this a block ahead, in a thread, while the current block is written.
    """

    def __init__(self) -> None:
        self.held: tuple[pa.Table, pd.DataFrame] | None = None

    def add(self, rows: pa.Table, errors: pd.DataFrame) -> CompleteOrders:
        """A block's rows (``STAGE_COLUMNS``, in Arrow: joined and split without copying) and errors."""
        if self.held is not None:
            rows = pa.concat_tables([self.held[0], rows])
            errors = pd.concat([self.held[1], errors], ignore_index=True)
            self.held = None
        if rows.num_rows:
            last = rows["order_key"][-1]
            waiting = pc.equal(rows["order_key"], last)
            start = rows.num_rows - pc.sum(waiting).as_py()
            if pc.all(waiting.slice(start)).as_py():  # as usual, the order's lines are together
                held, rows = rows.slice(start), rows.slice(0, start)
            else:
                held, rows = rows.filter(waiting), rows.filter(pc.invert(waiting))
            waiting_errors = (errors["order_key"] == last.as_py()).to_numpy()
            self.held = (held, errors[waiting_errors])
            errors = errors[~waiting_errors]
        frame = pa_to_frame(rows)
        return CompleteOrders(frame, errors, _orders(frame))

    def flush(self) -> CompleteOrders:
        """The orders still waiting, at the end of the file."""
        if self.held is None:
            return CompleteOrders(pd.DataFrame(), no_errors(), pd.DataFrame())
        rows, errors = self.held
        self.held = None
        frame = pa_to_frame(rows)
        return CompleteOrders(frame, errors, _orders(frame))


def ahead(items: Iterable[T], prepare: Callable[[T | None], R]) -> Iterator[tuple[T | None, R]]:
    """``(item, prepare(item))`` for every item, then ``(None, prepare(None))``; each computed in a
    worker thread while the caller still handles the one before (pyarrow and pandas release the
    GIL, and the caller mostly waits on the database)."""
    source = iter(items)

    def step() -> tuple[T | None, R]:
        item = next(source, None)
        return item, prepare(item)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bulk-import") as pool:
        future = pool.submit(step)
        while True:
            item, result = future.result()
            if item is not None:
                future = pool.submit(step)
            yield item, result
            if item is None:
                return


@dataclass
class LookedUp:
    """A batch of complete orders with what the database knows of them (read before it is built)."""

    rows: pd.DataFrame
    errors: pd.DataFrame
    orders: pd.DataFrame  # without the orders that exist already
    customers: pd.DataFrame  # customer_id, city, country by external id
    ids: np.ndarray[Any, Any]  # one per order; a rejected order's id is left unused


@dataclass
class Payload:
    """A batch ready to send: CSV for the errors table and the two orders tables."""

    errors: str = ""
    orders: tuple[str, bytes] | None = None  # (columns, CSV)
    lines: tuple[str, bytes] | None = None


class DirectOrderWriter:
    """Writes batches of complete orders in three steps, so that the server loads one batch while
    this process builds the next: ``look_up`` (the database reads a batch needs), ``build`` (the
    checks and the rows, no database) and ``send`` (COPY; safe to run in another thread)."""

    def __init__(self, *, system: str, errors_table: str, fresh: bool = False) -> None:
        # Into an empty table the only orders that can exist are this run's: no look-up per
        # block; an order key coming back fails its unique constraint at the end instead.
        self.fresh = fresh
        self.system = system
        self.errors_table = errors_table
        self.created = 0
        self.unchanged = 0
        self.product_ids: dict[str, int] = {}
        self.product_cents: dict[str, int] = {}
        self.looked_up: set[str] = set()
        self.known_customers: dict[str, tuple[int, str, str]] = {}  # id, city, country by key
        self.now = timezone.now().isoformat()
        # The connection of this thread's transaction, for ``send`` from another thread (Django's
        # ``connection`` is per thread). psycopg serialises its use; the caller never overlaps
        # ``send`` with the other steps' queries anyway.
        connection.ensure_connection()
        self.raw = connection.connection
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence('orders_order', 'id')")
            self.sequence = str(cursor.fetchone()[0])
            cursor.execute("SELECT nextval(%s::regclass)", [self.sequence])
            # Every order this run writes gets a larger id; one found later with such an id is ours.
            self.first_id = int(cursor.fetchone()[0])

    def finish(self) -> None:
        """Recompute the totals of every customer with an order this run wrote (ids from ``first_id``)."""
        if self.created:
            with connection.cursor() as cursor:
                refresh_touched_customers(
                    cursor, "SELECT DISTINCT customer_id FROM orders_order WHERE id >= %s", [self.first_id]
                )

    # -- step 1: what the database knows ------------------------------------------------------

    def look_up(self, batch: CompleteOrders) -> LookedUp:
        rows, errors, orders = batch.rows, batch.errors, batch.orders
        if rows.empty:
            return LookedUp(rows, errors, orders, self._customers([]), np.empty(0, dtype=np.int64))
        existing = {} if self.fresh else self._existing(orders.index.to_numpy())
        if existing:
            if max(existing.values()) >= self.first_id:
                raise NotGrouped
            gone = rows["order_key"].isin(existing.keys()).to_numpy()
            self.unchanged += int(gone.sum())
            rows = rows[~gone]
            errors = errors[~errors["order_key"].isin(existing.keys()).to_numpy()]
            orders = orders[~orders.index.isin(existing.keys())]
        customers = self._customers(orders["customer_key"].dropna().unique())
        self._look_up_skus(rows["sku"].unique())
        return LookedUp(rows, errors, orders.copy(), customers, self._ids(len(orders)))

    def _existing(self, keys: np.ndarray[Any, Any]) -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT external_id, id FROM orders_order WHERE external_id = ANY(%s)", [keys.tolist()]
            )
            return dict(cursor.fetchall())

    def _customers(self, keys: Any) -> pd.DataFrame:
        """Customer id, city and country of these external ids (those that exist); remembered,
        since customers buy again. A dict: a frame of every customer seen so far would be
        copied and hashed again for each batch (a quarter of the 10M-line run)."""
        known = self.known_customers
        if len(known) + len(keys) > MAX_KNOWN_CUSTOMERS:
            known.clear()  # forget; this batch's are asked again
        missing = [key for key in keys if key not in known]
        if missing:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT x.value, x.customer_id, c.city, c.country FROM customers_externalid x "
                    "JOIN customers_customer c ON c.id = x.customer_id "
                    "WHERE x.system = %s AND x.value = ANY(%s)",
                    [self.system, missing],
                )
                for key, id_, city, country in cursor:
                    known[key] = (id_, sys.intern(city), sys.intern(country))
        found = [key for key in keys if key in known]
        return pd.DataFrame(
            [known[key] for key in found], index=pd.Index(found, dtype=object), columns=CUSTOMER_COLUMNS
        )

    def _look_up_skus(self, skus: np.ndarray[Any, Any]) -> None:
        new = [s for s in skus if s not in self.looked_up]
        if new:
            with connection.cursor() as cursor:
                cursor.execute("SELECT sku, id, price FROM catalog_product WHERE sku = ANY(%s)", [new])
                for sku, product_id, price in cursor.fetchall():
                    self.product_ids[sku] = product_id
                    self.product_cents[sku] = int(price * 100)
            self.looked_up.update(new)

    def _ids(self, n: int) -> np.ndarray[Any, Any]:
        if not n:
            return np.empty(0, dtype=np.int64)
        with connection.cursor() as cursor:
            # The sequence named once: looking it up per row costs seven times the nextval itself.
            cursor.execute(
                "SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)", [self.sequence, n]
            )
            return np.array(cursor.fetchone()[0], dtype=np.int64)

    # -- step 2: checks and rows, no database -------------------------------------------------

    def build(self, batch: LookedUp) -> Payload:
        rows, errors, orders = batch.rows, batch.errors, batch.orders
        if rows.empty:
            return Payload(errors=errors_csv(errors))
        found = [errors, *self._order_errors(rows, orders, errors, batch.customers)]
        found.append(self._sku_errors(rows))
        found.append(self._discount_errors(rows))
        reported = pd.concat(found, ignore_index=True)
        keyed = reported[reported["order_key"] != ""]
        first_bad = keyed.groupby("order_key")["row"].min()
        bad = rows["order_key"].isin(first_bad.index).to_numpy()
        quiet = rows[bad & ~rows["row"].isin(keyed["row"]).to_numpy()]
        if len(quiet):
            found_rows = quiet["order_key"].map(first_bad)
            found.append(
                pd.DataFrame(
                    {
                        "row": quiet["row"].to_numpy(),
                        "order_key": quiet["order_key"].to_numpy(),
                        "col": "",
                        "message": [NOT_IMPORTED.format(row=int(r)) for r in found_rows],
                    }
                )
            )
            reported = pd.concat(found, ignore_index=True)
        payload = Payload(errors=errors_csv(reported))
        good = orders.index.difference(first_bad.index, sort=False)
        if len(good):
            payload.orders, payload.lines = self._tables(rows[~bad], orders.loc[good], batch.ids[: len(good)])
        return payload

    def _order_errors(
        self, rows: pd.DataFrame, orders: pd.DataFrame, errors: pd.DataFrame, customers: pd.DataFrame
    ) -> list[pd.DataFrame]:
        """What the staging path checks per order: required values, unknown customers, conflicts."""
        found = []
        no_customer = orders.index[orders["customer_key"].isna().to_numpy()]
        dated = set(errors.loc[errors["col"] == "placed_at", "order_key"])
        no_date = [k for k in orders.index[orders["placed_at"].isna().to_numpy()] if k not in dated]
        for keys, column in ((no_customer, "customer_external_id"), (no_date, "placed_at")):
            if len(keys):
                found.append(_errors(orders.loc[keys, "first_row"], column, REQUIRED))
        orders["customer_id"] = orders["customer_key"].map(customers["customer_id"])
        unknown = orders["customer_key"].notna() & orders["customer_id"].isna()
        if unknown.any():
            message = f"No customer with this id in system '{self.system}' (import the customers first)."
            found.append(_errors(orders.loc[unknown, "customer_key_row"], "customer_external_id", message))
        orders["city"] = orders["customer_key"].map(customers["city"])
        orders["country"] = orders["customer_key"].map(customers["country"])
        for column, reported in ORDER_LEVEL.items():
            conflicting = orders.index[orders[f"{column}_conflict"].to_numpy()]
            if not len(conflicting):
                continue
            lines = rows[rows["order_key"].isin(conflicting).to_numpy()]
            first = lines["order_key"].map(orders[column])
            differs = lines[column].notna() & (lines[column] != first)
            lines = lines[differs.to_numpy()]
            at = lines["order_key"].map(orders[f"{column}_row"])
            found.append(
                pd.DataFrame(
                    {
                        "row": lines["row"].to_numpy(),
                        "order_key": lines["order_key"].to_numpy(),
                        "col": reported,
                        "message": [DIFFERS.format(row=int(r)) for r in at],
                    }
                )
            )
        return found

    def _sku_errors(self, rows: pd.DataFrame) -> pd.DataFrame:
        unknown = rows[((rows["sku"] != "") & ~rows["sku"].isin(self.product_ids.keys())).to_numpy()]
        return pd.DataFrame(
            {
                "row": unknown["row"].to_numpy(),
                "order_key": unknown["order_key"].to_numpy(),
                "col": "sku",
                "message": "No product with this SKU (import the products first).",
            }
        )

    def _discount_errors(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Lines whose discount is more than price × quantity (unknown SKUs are reported above).

        Only lines whose cells all passed their checks: a quantity or price that failed is already
        reported, and read as 0 it would make any discount look excessive.
        """
        unit = rows["unit_price"].fillna(rows["sku"].map(self.product_cents))
        gross = line_gross_cents(unit, rows["quantity"])
        excess = rows[(rows["ok"] & (rows["discount"].fillna(0) > gross)).to_numpy()]
        return pd.DataFrame(
            {
                "row": excess["row"].to_numpy(),
                "order_key": excess["order_key"].to_numpy(),
                "col": "discount",
                "message": EXCESS_DISCOUNT,
            }
        )

    def _tables(
        self, lines: pd.DataFrame, orders: pd.DataFrame, ids: np.ndarray[Any, Any]
    ) -> tuple[tuple[str, bytes], tuple[str, bytes]]:
        """The orders and their lines as CSV for COPY, with their totals in exact cents."""
        unit = lines["unit_price"].fillna(lines["sku"].map(self.product_cents)).astype(np.int64)
        discount = lines["discount"].fillna(0).astype(np.int64)
        gross = line_gross_cents(unit, lines["quantity"])
        line_total = line_total_cents(unit, lines["quantity"], discount)  # exact in cents
        sums = (
            pd.DataFrame(
                {"key": lines["order_key"], "gross": gross, "discount": discount, "total": line_total}
            )
            .groupby("key", sort=False)[["gross", "discount", "total"]]
            .sum()
        )
        sums = sums.loc[orders.index]
        shipping = orders["shipping"].fillna(0).astype(np.int64)
        order_table = pa.table(
            {
                "id": ids,
                "number": ("SO-" + pd.Series(ids).astype(str).str.zfill(8)).to_numpy(),
                "external_id": orders.index.to_numpy(dtype=object),
                "customer_id": orders["customer_id"].astype(np.int64).to_numpy(),
                "status": orders["status"].fillna(OrderStatus.PAID.value).to_numpy(),
                "channel": orders["channel"].fillna(SalesChannel.WEB.value).to_numpy(),
                "currency": orders["currency"].fillna(settings.SMARTCRM_CURRENCY).to_numpy(),
                "placed_at": _utc_text(orders["placed_at"]),
                "subtotal": _money(sums["gross"]),
                "discount_total": _money(sums["discount"]),
                "shipping_total": _money(shipping),
                "total": _money(order_total_cents(sums["total"], shipping.to_numpy())),
                "refunded_total": pa.array(np.zeros(len(orders), dtype=np.int64)),
                "promotion_code": orders["promo"].fillna("").to_numpy(),
                "ship_city": orders["city"].to_numpy(),
                "ship_country": orders["country"].to_numpy(),
                "created_at": pa.array([self.now] * len(orders), pa.string()),
                "updated_at": pa.array([self.now] * len(orders), pa.string()),
            }
        )
        order_ids = pd.Series(ids, index=orders.index)
        line_table = pa.table(
            {
                "order_id": lines["order_key"].map(order_ids).to_numpy(),
                "product_id": lines["sku"].map(self.product_ids).to_numpy(),
                "quantity": lines["quantity"].to_numpy(),
                "unit_price": _money(unit),
                "discount": _money(discount),
                "line_total": _money(line_total),
                "returned_quantity": pa.array(np.zeros(len(lines), dtype=np.int64)),
            }
        )
        self.created += len(lines)
        return _csv(order_table), _csv(line_table)

    # -- step 3: COPY -------------------------------------------------------------------------

    def send(self, payload: Payload) -> None:
        """COPY a built batch; runs in any thread, on the transaction's own connection."""
        with self.raw.cursor() as cursor:
            if payload.errors:
                _copy(cursor, self.errors_table, ", ".join(ERROR_COLUMNS), payload.errors)
            if payload.orders is None or payload.lines is None:
                return
            try:
                _copy(cursor, "orders_order", *payload.orders)
            except psycopg.errors.UniqueViolation as exc:  # another writer added the order meanwhile
                raise NotGrouped from exc  # the caller's transaction rolls back
            _copy(cursor, "orders_orderline", *payload.lines)


def _orders(rows: pd.DataFrame) -> pd.DataFrame:
    """Per order key: its first row, and per order-level column the first value given, its row, and
    whether the lines disagree (two different values given).

    Every column is grouped as numbers (text by its factorised code, instants in microseconds,
    NaN where blank): a numeric group-by is an order of magnitude faster than one over strings.
    """
    group, keys = pd.factorize(rows["order_key"], sort=False)
    numbers: dict[str, np.ndarray[Any, Any]] = {}
    uniques: dict[str, Any] = {}
    for column in ORDER_LEVEL:
        values = rows[column]
        if values.dtype == object:
            codes, uniques[column] = pd.factorize(values, sort=False)
            numbers[column] = np.where(codes >= 0, codes, np.nan)
        elif isinstance(values.dtype, pd.DatetimeTZDtype):
            micros = values.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[us]")
            numbers[column] = np.where(values.notna(), micros.astype(np.int64), np.nan)
        else:
            numbers[column] = values.to_numpy(dtype=float)
    frame = pd.DataFrame(numbers)
    by = frame.groupby(group, sort=True)
    first, low, high = by.first(), by.min(), by.max()
    row = rows["row"].to_numpy()
    orders = pd.DataFrame({"first_row": pd.Series(row).groupby(group, sort=True).min().to_numpy()})
    for column in ORDER_LEVEL:
        given = ~np.isnan(numbers[column])
        orders[f"{column}_row"] = (
            pd.Series(np.where(given, row, np.nan)).groupby(group, sort=True).min().to_numpy()
        )
        orders[f"{column}_conflict"] = (low[column] != high[column]).to_numpy() & ~np.isnan(
            low[column].to_numpy()
        )
        orders[column] = _decoded(rows[column], first[column].to_numpy(), uniques.get(column))
    orders.index = pd.Index(keys, name="order_key")
    return orders


def _decoded(original: pd.Series, numbers: np.ndarray[Any, Any], uniques: Any) -> Any:
    """Grouped numbers back to the column's values (None / NaN / NaT where none was given)."""
    blank = np.isnan(numbers)
    if uniques is not None:
        values = (
            np.asarray(uniques, dtype=object).take(np.where(blank, 0, numbers).astype(np.int64))
            if len(uniques)
            else np.full(len(numbers), None, dtype=object)
        )
        values[blank] = None
        return values
    if isinstance(original.dtype, pd.DatetimeTZDtype):
        micros = np.where(blank, 0, numbers).astype(np.int64)
        instants = pd.to_datetime(micros, unit="us", utc=True)
        return instants.where(~blank, pd.NaT)
    return numbers


def _errors(rows: pd.Series, column: str, message: str) -> pd.DataFrame:
    """Errors at the given rows (a Series indexed by order key)."""
    return pd.DataFrame(
        {
            "row": rows.to_numpy(dtype=np.int64),
            "order_key": rows.index.to_numpy(),
            "col": column,
            "message": message,
        }
    )


def _utc_text(instants: pd.Series) -> pa.Array:
    """UTC instants as ISO text with a ``Z``: Arrow writes a zoned timestamp a dozen times slower."""
    naive = pa.array(instants).cast(pa.timestamp("us", "UTC")).cast(pa.timestamp("us"))
    return pc.binary_join_element_wise(pc.cast(naive, pa.string()), "Z", "")


def _money(cents: Any) -> pa.Array:
    """Integer cents as decimal text for COPY: a float's shortest form is exact below 2**53 cents."""
    return pa.array(np.asarray(cents, dtype=np.int64) / 100, pa.float64())


def _csv(rows: pa.Table) -> tuple[str, bytes]:
    """The table's column names and its rows as CSV, for ``_copy``."""
    buffer = io.BytesIO()
    pacsv.write_csv(rows, buffer, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
    return ", ".join(rows.column_names), buffer.getvalue()


def _copy(cursor: psycopg.Cursor[Any], table: str, columns: str, data: bytes | str) -> None:
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)") as copy:
        copy.write(data)
