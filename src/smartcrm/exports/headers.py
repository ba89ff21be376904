"""The header cells of the exported lists in the reader's language.

In English a header is the column's key (``orders_count``), as scripts that read the files
expect; in another language it is the key's translation (message context ``export column``),
so a Chinese user's spreadsheet has Chinese headers. Audit records keep the keys.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

HEADERS: dict[str, Promise] = {
    "id": pgettext_lazy("export column", "id"),
    "name": pgettext_lazy("export column", "name"),
    "company_name": pgettext_lazy("export column", "company_name"),
    "email": pgettext_lazy("export column", "email"),
    "phone": pgettext_lazy("export column", "phone"),
    "street_address": pgettext_lazy("export column", "street_address"),
    "city": pgettext_lazy("export column", "city"),
    "country": pgettext_lazy("export column", "country"),
    "source": pgettext_lazy("export column", "source"),
    "orders_count": pgettext_lazy("export column", "orders_count"),
    "total_spent": pgettext_lazy("export column", "total_spent"),
    "created_at": pgettext_lazy("export column", "created_at"),
    "last_order_at": pgettext_lazy("export column", "last_order_at"),
    "sku": pgettext_lazy("export column", "sku"),
    "category": pgettext_lazy("export column", "category"),
    "price": pgettext_lazy("export column", "price"),
    "currency": pgettext_lazy("export column", "currency"),
    "stock": pgettext_lazy("export column", "stock"),
    "active": pgettext_lazy("export column", "active"),
    "number": pgettext_lazy("export column", "number"),
    "external_id": pgettext_lazy("export column", "external_id"),
    "customer_id": pgettext_lazy("export column", "customer_id"),
    "customer": pgettext_lazy("export column", "customer"),
    "status": pgettext_lazy("export column", "status"),
    "channel": pgettext_lazy("export column", "channel"),
    "placed_at": pgettext_lazy("export column", "placed_at"),
    "total": pgettext_lazy("export column", "total"),
    "refunded_total": pgettext_lazy("export column", "refunded_total"),
    "subject": pgettext_lazy("export column", "subject"),
    "priority": pgettext_lazy("export column", "priority"),
    "last_message_at": pgettext_lazy("export column", "last_message_at"),
    # the audit log's and the import error report's columns
    "seq": pgettext_lazy("export column", "seq"),
    "at": pgettext_lazy("export column", "at"),
    "actor": pgettext_lazy("export column", "actor"),
    "action": pgettext_lazy("export column", "action"),
    "object_type": pgettext_lazy("export column", "object_type"),
    "object_id": pgettext_lazy("export column", "object_id"),
    "changes": pgettext_lazy("export column", "changes"),
    "chain_hash": pgettext_lazy("export column", "chain_hash"),
    "row": pgettext_lazy("export column", "row"),
    "column": pgettext_lazy("export column", "column"),
    "message": pgettext_lazy("export column", "message"),
}


def header_row(keys: Iterable[str]) -> list[str]:
    """The header cells for these column keys, in the active language (read now, not lazily:
    a streamed file is written after the request's language may have changed)."""
    return [str(HEADERS[key]) for key in keys]
