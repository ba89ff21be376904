"""Exports of the main lists to CSV or XLSX: streamed, formula-safe, PII masked by role, audited.

Each list names the capability that may export it and its columns. A column marked as PII is
masked with ``core.pii``'s helpers unless the user's role has ``VIEW_PII`` — the same rule as
the pages. Rows are read with ``iterator()`` in chunks and written as they come (CSV straight
into the response, XLSX through openpyxl's write-only mode into a temporary file), so memory
does not grow with the list.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from smartcrm.accounts.models import User
from smartcrm.accounts.roles import Capability
from smartcrm.catalog.models import Product
from smartcrm.core import audit, ratelimit
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import NotFoundError
from smartcrm.core.pii import mask_address, mask_email, mask_phone
from smartcrm.core.text import strip_control
from smartcrm.customers.models import Customer
from smartcrm.exports.cells import csv_cell, neutralise
from smartcrm.exports.headers import header_row
from smartcrm.orders.models import Order
from smartcrm.support.models import Ticket

CHUNK_ROWS = 2_000
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Field:
    header: str  # the column's key; the file's header cell is its translation (exports.headers)
    value: Callable[[Any], Any]
    mask: Callable[[str], str] | None = None


@dataclass(frozen=True)
class ExportList:
    capability: Capability
    queryset: Callable[[], QuerySet[Any]]
    fields: tuple[Field, ...]


LISTS: dict[str, ExportList] = {
    "customers": ExportList(
        Capability.VIEW_CUSTOMERS,
        lambda: Customer.objects.order_by("pk"),
        (
            Field("id", lambda c: c.pk),
            Field("name", lambda c: c.name),
            Field("company_name", lambda c: c.company_name),
            Field("email", lambda c: c.email, mask_email),
            Field("phone", lambda c: c.phone, mask_phone),
            Field("street_address", lambda c: c.street_address, mask_address),
            Field("city", lambda c: c.city),
            Field("country", lambda c: c.country),
            Field("source", lambda c: c.source),
            Field("orders_count", lambda c: c.orders_count),
            Field("total_spent", lambda c: c.total_spent),
            Field("created_at", lambda c: c.created_at),
            Field("last_order_at", lambda c: c.last_order_at),
        ),
    ),
    "products": ExportList(
        Capability.VIEW_ORDERS,
        lambda: Product.objects.select_related("category").order_by("pk"),
        (
            Field("sku", lambda p: p.sku),
            Field("name", lambda p: p.name),
            Field("category", lambda p: p.category.name if p.category else ""),
            Field("price", lambda p: p.price),
            Field("currency", lambda p: p.currency),
            Field("stock", lambda p: p.stock),
            Field("active", lambda p: p.is_active),
        ),
    ),
    "orders": ExportList(
        Capability.VIEW_ORDERS,
        lambda: Order.objects.select_related("customer").order_by("pk"),
        (
            Field("number", lambda o: o.number),
            Field("external_id", lambda o: o.external_id),
            Field("customer_id", lambda o: o.customer_id),
            Field("customer", lambda o: o.customer.name),
            Field("status", lambda o: o.status),
            Field("channel", lambda o: o.channel),
            Field("currency", lambda o: o.currency),
            Field("placed_at", lambda o: o.placed_at),
            Field("total", lambda o: o.total),
            Field("refunded_total", lambda o: o.refunded_total),
        ),
    ),
    "tickets": ExportList(
        Capability.VIEW_TICKETS,
        lambda: Ticket.objects.select_related("customer").order_by("pk"),
        (
            Field("id", lambda t: t.pk),
            Field("subject", lambda t: t.subject),
            Field("customer", lambda t: t.customer.name),
            Field("status", lambda t: t.status),
            Field("priority", lambda t: t.priority),
            Field("channel", lambda t: t.channel),
            Field("created_at", lambda t: t.created_at),
            Field("last_message_at", lambda t: t.last_message_at),
        ),
    ),
}


def export_list(kind: str) -> ExportList:
    if kind not in LISTS:
        raise NotFoundError(f"No list named {kind!r} to export")
    return LISTS[kind]


def _rows(export: ExportList, unmasked: bool, selection: QuerySet[Any] | None = None) -> Iterator[list[Any]]:
    queryset = export.queryset() if selection is None else selection
    for obj in queryset.iterator(chunk_size=CHUNK_ROWS):
        row = []
        for field in export.fields:
            value = field.value(obj)
            if field.mask is not None and not unmasked and value:
                value = field.mask(str(value))
            row.append(value)
        yield row


def _start(
    user: User,
    kind: str,
    fmt: str,
    selection: QuerySet[Any] | None = None,
    filters: dict[str, Any] | None = None,
) -> tuple[ExportList, bool]:
    """Check the request and record it; the caller has checked ``export.capability``.

    A list with contact fields is a bulk read of contact details: limited per user to
    ``SMARTCRM_EXPORT_CONTACTS_PER_HOUR`` (``RateLimited`` past it) and audited with its row count
    and filters, masked or not."""
    if fmt not in FORMATS:
        raise NotFoundError(f"No export format {fmt!r}")
    export = export_list(kind)
    contact_fields = [field.header for field in export.fields if field.mask is not None]
    if contact_fields:
        limit = settings.SMARTCRM_EXPORT_CONTACTS_PER_HOUR
        # The account's creation time too: a user id reused after a restore is another person.
        subject = f"{user.pk}:{user.date_joined.timestamp()}"
        ratelimit.hit("export-contacts", subject, limit=limit, window=3600)
    unmasked = user.can(Capability.VIEW_PII)
    changes: dict[str, Any] = {"format": fmt, "unmasked_pii": unmasked}
    if contact_fields:
        rows = (export.queryset() if selection is None else selection).count()
        changes |= {
            "bulk_read": True,
            "rows": rows,
            "filters": filters or {},
            "contact_fields": contact_fields,
        }
    audit.record(user, AuditAction.EXPORT, object_type=f"exports.{kind}", changes=changes)
    return export, unmasked


def check_selection_export(user: User, kind: str, selection: QuerySet[Any], filters: dict[str, Any]) -> None:
    """A bulk export of ``selection`` (some rows of the list ``kind``) is about to be written:
    refused without the list's capability (``PermissionDenied``), limited and audited as the
    list's own export is, before any row is read."""
    if not user.can(export_list(kind).capability):
        raise PermissionDenied(kind)
    _start(user, kind, "csv", selection, filters)


def selection_csv_lines(user: User, kind: str, selection: QuerySet[Any], *, header: bool) -> Iterator[str]:
    """Rows of ``selection`` as formula-safe CSV lines (the header first when ``header``), masked
    unless ``user`` may view contact details; checked and audited by check_selection_export."""
    export = export_list(kind)
    writer = csv.writer(_Echo())
    if header:
        yield writer.writerow([field.header for field in export.fields])
    for row in _rows(export, user.can(Capability.VIEW_PII), selection):
        yield writer.writerow([csv_cell(value) for value in row])


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(user: User, kind: str) -> Iterator[str]:
    """The list as CSV lines (header first), for a streaming response. The request is checked and
    audited now, before the response starts, so a refusal is an answer rather than a cut stream."""
    export, unmasked = _start(user, kind, "csv")
    return _csv_lines(export, unmasked, header_row(field.header for field in export.fields))


def _csv_lines(export: ExportList, unmasked: bool, header: list[str]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in _rows(export, unmasked):
        yield writer.writerow([csv_cell(value) for value in row])


def xlsx_file(user: User, kind: str) -> Path:
    """The list as an .xlsx file in a temporary directory (the caller streams and deletes it)."""
    from openpyxl import Workbook

    export, unmasked = _start(user, kind, "xlsx")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(kind)
    sheet.append(header_row(field.header for field in export.fields))
    for row in _rows(export, unmasked):
        sheet.append([_xlsx_value(value) for value in row])
    path = Path(tempfile.mkdtemp(prefix="smartcrm-export-")) / f"{kind}.xlsx"
    workbook.save(path)
    return path


def _xlsx_value(value: Any) -> Any:
    """A cell openpyxl can write: XLSX refuses control characters, which rows saved before input
    refused them may still hold (an export must not fail for everyone because of one cell)."""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones; values are UTC
    if isinstance(value, str):
        value = strip_control(value)
    return neutralise(value)
