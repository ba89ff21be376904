"""Incidents planted in the demo shop, so the anomaly alerts have something real to find.

The same two kinds the anomaly evaluation plants (``synth.incidents``), written through the
services a shop's own data would go through: a refund spike (a bad batch: eight times the usual
returns on three days, three weeks ago) and a fraud burst (new accounts placing large night-time
orders of expensive goods shipped abroad, four days ago). Seeded: the same shop gets the same
incidents.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
from django.db import transaction
from django.utils import timezone

from smartcrm.catalog.models import Product
from smartcrm.customers.services import create_customer
from smartcrm.orders.models import Order, OrderLine, Refund, RefundKind
from smartcrm.orders.services import LineInput, create_order, record_refund

ACTOR = "demo"
ABROAD = ("NG", "RU", "BR", "VN")


def _at(day: datetime, hour: float) -> datetime:
    start = day.replace(hour=0, minute=0, second=0, microsecond=0)
    return start + timedelta(hours=hour)


def plant_refund_spike(
    rng: np.random.Generator, *, days_ago: int = 21, days: int = 3, factor: float = 8.0
) -> int:
    """Returns on ``days`` days at ``factor`` times the usual daily count; returns how many.

    Eight times, not the evaluation's three to five: a shop of a few thousand customers has two or
    three returns a day, and on such a small count four times the usual is within its noise (the
    detector's refund-rate z over three days was 3.4 at 4x and 6.6 at 8x on the 5,000-customer
    demo shop's generator data, against its threshold of 4.5).
    """
    now = timezone.now()
    first = now - timedelta(days=days_ago)
    usual_window = Refund.objects.filter(created_at__gte=first - timedelta(days=28), created_at__lt=first)
    usual = max(usual_window.count() / 28, 1.0)
    planted = 0
    for offset in range(days):
        day = first + timedelta(days=offset)
        lines = list(
            OrderLine.objects.filter(
                order__delivered_at__gte=day - timedelta(days=30),
                order__delivered_at__lt=day,
                returned_quantity=0,
                order__refunded_total=0,
            )
            .select_related("order")
            .order_by("pk")[:2000]
        )
        if not lines:
            continue
        wanted = min(int(rng.poisson(usual * (factor - 1))), len(lines))
        for index in rng.choice(len(lines), size=wanted, replace=False):
            line = lines[int(index)]
            if line.line_total <= 0:
                continue
            refund = record_refund(
                actor=ACTOR, order=line.order, amount=line.line_total, kind=RefundKind.RETURN,
                reason="Defective", line=line, quantity=line.quantity,
            )  # fmt: skip
            Refund.objects.filter(pk=refund.pk).update(created_at=_at(day, float(rng.uniform(8, 20))))
            planted += 1
    return planted


def plant_fraud_burst(rng: np.random.Generator, *, days_ago: int = 4, n_orders: int = 8) -> list[int]:
    """New accounts place large night-time orders of expensive goods shipped abroad; returns the
    order ids."""
    expensive = list(Product.objects.filter(is_active=True).order_by("-price", "pk")[:10])
    if not expensive:
        return []
    day = timezone.now() - timedelta(days=days_ago)
    order_ids = []
    for n in range(n_orders):
        when = _at(day, float(rng.uniform(0.5, 4.5)))
        customer = create_customer(
            actor=ACTOR,
            values={
                "first_name": "New",
                "last_name": f"Account {n + 1}",
                "email": f"burst{n + 1}@example.invalid",
            },
            created_at=when - timedelta(minutes=20),
        )
        lines = [
            LineInput(
                product_id=expensive[int(rng.integers(len(expensive)))].pk, quantity=int(rng.integers(4, 11))
            )
            for _ in range(int(rng.integers(1, 3)))
        ]
        order = create_order(actor=ACTOR, customer=customer, lines=lines, placed_at=when)
        Order.objects.filter(pk=order.pk).update(ship_country=str(rng.choice(ABROAD)))
        order_ids.append(order.pk)
    return order_ids


def plant_demo_incidents(seed: int) -> dict[str, int]:
    """Plant both incidents (the demo calls it once, right after generating the shop)."""
    rng = np.random.default_rng(seed)
    with transaction.atomic():
        refunds = plant_refund_spike(rng)
        fraud = plant_fraud_burst(rng)
    return {"refunds": refunds, "fraud_orders": len(fraud)}
