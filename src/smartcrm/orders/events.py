"""What an order write sets off, after the commit (see :mod:`smartcrm.core.events`).

- an order placed: the outbound webhook ``order.created`` (built with its lines and totals), the
  workflows triggered by an order and the "days after the last order" due times;
- a refund recorded: the outbound webhook ``refund.created``.
"""

from __future__ import annotations

from smartcrm.core.events import announce
from smartcrm.orders.models import Order, Refund


def order_placed(order: Order) -> None:
    announce(order, "smartcrm.integrations.events.order_created", "smartcrm.automation.events.order_placed")


def refund_recorded(refund: Refund) -> None:
    announce(refund, "smartcrm.integrations.events.refund_created")
