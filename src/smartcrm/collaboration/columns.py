"""The columns each main list can show, in their default order: what a saved view or the list's
column picker may choose (an allow-list: any other name is refused with the choices), and the
headings the pages print.

The keys are stable (saved views store them); the labels are translated when shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartcrm.collaboration.models import ListKind
from smartcrm.core.errors import ServiceValidationError

MAX_COLUMN_NAME = 40  # longer names are cut in the error message


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    numeric: bool = False


COLUMNS: dict[str, tuple[Column, ...]] = {
    ListKind.CUSTOMERS: (
        Column("name", gettext_lazy("Customer")),
        Column("kind", gettext_lazy("Kind")),
        Column("source", gettext_lazy("Source")),
        Column("country", gettext_lazy("Location")),
        Column("orders_count", gettext_lazy("Orders"), numeric=True),
        Column("total_spent", gettext_lazy("Total spent"), numeric=True),
        Column("last_order_at", gettext_lazy("Last order")),
        Column("created_at", gettext_lazy("Customer since")),
        Column("segment", gettext_lazy("Segment")),
        Column("clv_12m", gettext_lazy("CLV 12m"), numeric=True),
        Column("churn_risk", gettext_lazy("Churn risk"), numeric=True),
    ),
    ListKind.ORDERS: (
        Column("number", gettext_lazy("Order")),
        Column("placed_at", gettext_lazy("Placed")),
        Column("customer", gettext_lazy("Customer")),
        Column("channel", gettext_lazy("Channel")),
        Column("status", gettext_lazy("Status")),
        Column("total", gettext_lazy("Total"), numeric=True),
        Column("refunded_total", gettext_lazy("Refunded"), numeric=True),
    ),
    ListKind.TICKETS: (
        Column("priority", gettext_lazy("Priority")),
        Column("subject", gettext_lazy("Subject")),
        Column("customer", gettext_lazy("Customer")),
        Column("status", gettext_lazy("Status")),
        Column("channel", gettext_lazy("Channel")),
        Column("assignee", gettext_lazy("Assignee")),
        Column("team", gettext_lazy("Team")),
        Column("last_message_at", gettext_lazy("Last message")),
    ),
    ListKind.DEALS: (
        Column("title", gettext_lazy("Deal")),
        Column("customer", gettext_lazy("Customer")),
        Column("value", gettext_lazy("Value"), numeric=True),
        Column("owner", gettext_lazy("Owner")),
        Column("team", gettext_lazy("Team")),
        Column("expected_close", gettext_lazy("Expected close")),
    ),
}
# Shown when a view chose none: every column but the ones a busy list does without.
HIDDEN_BY_DEFAULT: dict[str, frozenset[str]] = {
    ListKind.TICKETS: frozenset({"team"}),
    ListKind.DEALS: frozenset({"team"}),
}


def keys(list_kind: str) -> tuple[str, ...]:
    return tuple(column.key for column in COLUMNS.get(list_kind, ()))


def default_keys(list_kind: str) -> list[str]:
    hidden = HIDDEN_BY_DEFAULT.get(list_kind, frozenset())
    return [key for key in keys(list_kind) if key not in hidden]


def check(list_kind: str, chosen: Iterable[object]) -> list[str]:
    """The chosen column keys, once each in the order given; ServiceValidationError naming the
    first unknown one and the choices."""
    allowed = keys(list_kind)
    clean: list[str] = []
    for key in chosen:
        if not isinstance(key, str) or key not in allowed:
            shown = repr(key)[:MAX_COLUMN_NAME]
            raise ServiceValidationError(
                {
                    "columns": _("Unknown column %(name)s; one of: %(choices)s.")
                    % {"name": shown, "choices": ", ".join(allowed)}
                }
            )
        if key not in clean:
            clean.append(key)
    return clean


def shown(list_kind: str, chosen: Iterable[str]) -> list[Column]:
    """The columns to print: the checked choice in its order, or the default when empty."""
    wanted = list(chosen) or default_keys(list_kind)
    by_key = {column.key: column for column in COLUMNS.get(list_kind, ())}
    return [by_key[key] for key in wanted if key in by_key]


def picker(list_kind: str, chosen: list[str]) -> list[tuple[Column, bool]]:
    """Every column of the list for the picker, the shown ones first in their order."""
    current = [column.key for column in shown(list_kind, chosen)]
    rest = [key for key in keys(list_kind) if key not in current]
    by_key = {column.key: column for column in COLUMNS.get(list_kind, ())}
    return [(by_key[key], key in current) for key in [*current, *rest]]


UP, DOWN = "up", "down"


def moved(list_kind: str, chosen: Iterable[str], key: str, direction: str) -> list[str]:
    """The shown columns (``chosen``, or the default) with ``key`` moved one place up or down;
    ServiceValidationError for a column not shown or a direction other than up and down. At the
    top (or bottom) already, the order is unchanged."""
    order = [column.key for column in shown(list_kind, chosen)]
    if direction not in (UP, DOWN):
        raise ServiceValidationError({"direction": _("Move a column up or down.")})
    if key not in order:
        raise ServiceValidationError({"column": _("Only a column the list shows can be moved.")})
    at = order.index(key)
    to = at - 1 if direction == UP else at + 1
    if 0 <= to < len(order):
        order[at], order[to] = order[to], order[at]
    return order
