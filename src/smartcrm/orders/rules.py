"""The order rules, each stated once, for every path that writes orders.

Orders are written row by row (``orders.services``), by set-based SQL (the staged bulk import)
and by numpy over whole blocks (the direct bulk import). Each path needs the same rules in its
own medium, so each rule below is written once, over a small :class:`Arithmetic`, and read in
three: :class:`Decimal` values, SQL expression text and integer cents in numpy arrays.

- **Revenue statuses**: the orders whose money the shop keeps, fully or partly
  (:data:`REVENUE_STATUSES`); what revenue and customer totals count.
- **Line total**: price × quantity − discount, to the cent (half away from zero, as SQL's
  ``round``), never below zero. With prices and discounts in cents, as every path stores them,
  the rounding changes nothing; it is there for the rule to hold on any input.
- **Discount**: at most the line's amount (price × quantity); every path refuses a larger one
  with :data:`EXCESS_DISCOUNT` on the line's row or field, and writes nothing of that order.
- **Order amounts**: subtotal = Σ price × quantity, discount total = Σ discount,
  total = Σ line totals + shipping.
- **Status after a refund**: refunded once all of the total is given back, else partially
  (:func:`status_after_refund`).
- **Customer totals**: per customer, the count of revenue orders, their total net of refunds,
  and the first and last time one was placed (:func:`customer_totals_select`).
"""

# ruff: noqa: S608 - the table names are our models'; values are parameters
from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from smartcrm.customers.models import Customer
from smartcrm.orders.models import Order, OrderStatus

if TYPE_CHECKING:
    import pandas as pd

REVENUE_STATUSES: tuple[OrderStatus, ...] = (
    OrderStatus.PAID,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.PARTIALLY_REFUNDED,
)
CENT = Decimal("0.01")
EXCESS_DISCOUNT = "The discount is more than the line's amount (price × quantity)."

T = TypeVar("T")


class Arithmetic(Protocol[T]):
    """The operations the money rules are written in."""

    def times(self, a: T, b: T) -> T: ...
    def minus(self, a: T, b: T) -> T: ...
    def plus(self, a: T, b: T) -> T: ...
    def to_cent(self, a: T) -> T: ...  # half away from zero
    def at_least_zero(self, a: T) -> T: ...


# -- the rules, once ---------------------------------------------------------------------------


def _line_gross(m: Arithmetic[T], price: T, quantity: T) -> T:
    return m.times(price, quantity)


def _line_total(m: Arithmetic[T], price: T, quantity: T, discount: T) -> T:
    return m.at_least_zero(m.to_cent(m.minus(m.times(price, quantity), discount)))


def _order_total(m: Arithmetic[T], lines_total: T, shipping: T) -> T:
    return m.plus(lines_total, shipping)


# -- the three readings ------------------------------------------------------------------------


class _Decimals:
    def times(self, a: Decimal, b: Decimal) -> Decimal:
        return a * b

    def minus(self, a: Decimal, b: Decimal) -> Decimal:
        return a - b

    def plus(self, a: Decimal, b: Decimal) -> Decimal:
        return a + b

    def to_cent(self, a: Decimal) -> Decimal:
        return a.quantize(CENT, rounding=ROUND_HALF_UP)  # ROUND_HALF_UP is away from zero

    def at_least_zero(self, a: Decimal) -> Decimal:
        return max(a, Decimal(0))


class _Sql:
    """SQL expression text (PostgreSQL: ``greatest``); operands are expressions, never values."""

    def times(self, a: str, b: str) -> str:
        return f"({a} * {b})"

    def minus(self, a: str, b: str) -> str:
        return f"({a} - {b})"

    def plus(self, a: str, b: str) -> str:
        return f"({a} + {b})"

    def to_cent(self, a: str) -> str:
        return f"round({a}, 2)"  # numeric rounds half away from zero

    def at_least_zero(self, a: str) -> str:
        return f"greatest({a}, 0)"


class _Cents:
    """Money in cents, as numpy arrays or pandas Series; whole cents stay integers (exact).

    numpy is imported where it is used: ``orders.services`` imports this module, and a web
    worker that never runs a bulk path should not load numpy and pandas to start.
    """

    def times(self, a: Any, b: Any) -> Any:
        return a * b

    def minus(self, a: Any, b: Any) -> Any:
        return a - b

    def plus(self, a: Any, b: Any) -> Any:
        return a + b

    def to_cent(self, a: Any) -> Any:
        import numpy as np

        if np.issubdtype(np.asarray(a).dtype, np.integer):
            return a  # whole cents already: nothing to round, no pass over the data
        return np.sign(a) * np.floor(np.abs(a) + 0.5)

    def at_least_zero(self, a: Any) -> Any:
        import numpy as np

        return np.maximum(a, 0)


DECIMALS, SQL, CENTS = _Decimals(), _Sql(), _Cents()


def line_gross(price: Decimal, quantity: int) -> Decimal:
    """What a line costs before its discount (what the order's subtotal adds up)."""
    return _line_gross(DECIMALS, price, Decimal(quantity))


def line_total(price: Decimal, quantity: int, discount: Decimal) -> Decimal:
    return _line_total(DECIMALS, price, Decimal(quantity), discount)


def order_total(lines_total: Decimal, shipping: Decimal) -> Decimal:
    return _order_total(DECIMALS, lines_total, shipping)


def line_gross_sql(price: str, quantity: str) -> str:
    return _line_gross(SQL, price, quantity)


def line_total_sql(price: str, quantity: str, discount: str) -> str:
    """``line_total`` as a SQL expression over the given column expressions."""
    return _line_total(SQL, price, quantity, discount)


def order_total_sql(lines_total: str, shipping: str) -> str:
    return _order_total(SQL, lines_total, shipping)


def line_gross_cents(price: Any, quantity: Any) -> Any:
    return _line_gross(CENTS, price, quantity)


def line_total_cents(price: Any, quantity: Any, discount: Any) -> Any:
    """``line_total`` over arrays (or Series) of cents and quantities, vectorised."""
    return _line_total(CENTS, price, quantity, discount)


def order_total_cents(lines_total: Any, shipping: Any) -> Any:
    return _order_total(CENTS, lines_total, shipping)


def status_after_refund(refunded_total: Decimal, total: Decimal) -> OrderStatus:
    """An order's status once ``refunded_total`` of its ``total`` has been given back."""
    return OrderStatus.REFUNDED if refunded_total >= total else OrderStatus.PARTIALLY_REFUNDED


# -- customer totals ---------------------------------------------------------------------------


def customer_totals_select(customers: str | None = None, params: Sequence[Any] = ()) -> tuple[str, list[Any]]:
    """SQL selecting ``customer_id, n, spent, first_at, last_at`` per customer with orders, and its
    parameters: the customer totals rule.

    ``customers`` is what goes inside ``customer_id IN (…)`` (placeholders or a subquery, with
    ``params``); ``None`` is every customer. A customer whose orders are none of them revenue
    gets ``n = 0, spent = 0`` and no dates; one with no orders at all gets no row.
    """
    marks = ", ".join(["%s"] * len(REVENUE_STATUSES))
    counted = f"FILTER (WHERE o.status IN ({marks}))"
    where = "" if customers is None else f"WHERE o.customer_id IN ({customers}) "
    sql = (
        f"SELECT o.customer_id, count(*) {counted} AS n, "
        f"coalesce(sum(o.total - o.refunded_total) {counted}, 0) AS spent, "
        f"min(o.placed_at) {counted} AS first_at, max(o.placed_at) {counted} AS last_at "
        f"FROM {Order._meta.db_table} o {where}GROUP BY o.customer_id"
    )
    statuses = [status.value for status in REVENUE_STATUSES]
    return sql, [*statuses * 4, *params]


def customer_totals_update(source: str, where: str) -> str:
    """``UPDATE`` of the customers (as ``c``) from ``source``, whose ``t`` has the columns of
    :func:`customer_totals_select` (a customer without a row in ``t`` gets zeros)."""
    return (
        f"UPDATE {Customer._meta.db_table} AS c SET orders_count = coalesce(t.n, 0), "
        "total_spent = coalesce(t.spent, 0), first_order_at = t.first_at, last_order_at = t.last_at "
        f"FROM {source} WHERE {where}"
    )


def customer_totals_frame(orders: pd.DataFrame) -> pd.DataFrame:
    """The customer totals rule over a frame of orders (``customer_id``, ``status``, ``total``,
    ``refunded_total``, ``placed_at``): ``orders_count``, ``total_spent``, ``first_order_at``,
    ``last_order_at`` per ``customer_id`` with a revenue order."""
    counted = orders[orders["status"].isin([status.value for status in REVENUE_STATUSES])]
    net = counted.assign(net=counted["total"] - counted["refunded_total"])
    return net.groupby("customer_id").agg(
        orders_count=("total", "size"),
        total_spent=("net", "sum"),
        first_order_at=("placed_at", "min"),
        last_order_at=("placed_at", "max"),
    )
