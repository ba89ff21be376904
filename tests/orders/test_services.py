from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from smartcrm.core.errors import ServiceValidationError
from smartcrm.orders.models import Order, OrderStatus
from smartcrm.orders.services import LineInput, create_order, record_refund, refresh_customer_totals
from tests.factories import CustomerFactory, OrderFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_order_totals_and_customer_totals(admin_user) -> None:
    customer = CustomerFactory()
    mug, tea = ProductFactory(price=Decimal("8.50")), ProductFactory(price=Decimal("4.00"))
    order = create_order(
        actor=admin_user,
        customer=customer,
        shipping_total=Decimal("5"),
        lines=[
            LineInput(mug.pk, 2),
            LineInput(tea.pk, 3, unit_price=Decimal("3.00"), discount=Decimal("1")),
        ],
    )
    assert order.number.startswith("SO-")
    assert order.subtotal == Decimal("26.00")
    assert order.total == Decimal("17.00") + Decimal("8.00") + Decimal("5")
    customer.refresh_from_db()
    assert customer.orders_count == 1 and customer.total_spent == order.total
    assert customer.last_order_at == order.placed_at


def test_bad_lines_are_reported_by_position_and_nothing_is_written(admin_user) -> None:
    customer = CustomerFactory()
    with pytest.raises(ServiceValidationError) as info:
        create_order(actor=admin_user, customer=customer, lines=[LineInput(999999, 0)])
    assert set(info.value.errors) == {"lines[0].product_id", "lines[0].quantity"}
    assert not Order.objects.exists()
    with pytest.raises(ServiceValidationError) as info:
        create_order(actor=admin_user, customer=customer, lines=[])
    assert "lines" in info.value.errors


def test_refunds_cannot_exceed_what_was_paid_and_update_status(admin_user) -> None:
    customer = CustomerFactory()
    order = create_order(
        actor=admin_user, customer=customer, lines=[LineInput(ProductFactory(price=Decimal("10")).pk, 1)]
    )
    record_refund(actor=admin_user, order=order, amount=Decimal("4"), reason="scratched")
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIALLY_REFUNDED
    with pytest.raises(ServiceValidationError):
        record_refund(actor=admin_user, order=order, amount=Decimal("7"))
    record_refund(actor=admin_user, order=order, amount=Decimal("6"))
    order.refresh_from_db()
    customer.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert customer.total_spent == Decimal("0") and customer.orders_count == 0


def test_bulk_refresh_counts_only_revenue_orders() -> None:
    customer, other = CustomerFactory(), CustomerFactory()
    now = timezone.now()
    OrderFactory(customer=customer, total=Decimal("30"), placed_at=now - timedelta(days=9))
    OrderFactory(customer=customer, total=Decimal("20"), placed_at=now)
    OrderFactory(customer=customer, total=Decimal("99"), status=OrderStatus.CANCELLED)
    refresh_customer_totals()
    customer.refresh_from_db()
    other.refresh_from_db()
    assert customer.orders_count == 2 and customer.total_spent == Decimal("50")
    assert customer.first_order_at == now - timedelta(days=9)
    assert other.orders_count == 0 and other.last_order_at is None


@pytest.mark.parametrize("day", [1, 15, 28, 31])
def test_monthly_revenue_has_exactly_the_months_asked_for(day: int) -> None:
    from datetime import UTC, datetime

    from smartcrm.readmodels.dashboard import monthly_revenue

    now = datetime(2026, 12 if day != 31 else 3, day, 12, tzinfo=UTC)
    OrderFactory(total=Decimal("40"), placed_at=now - timedelta(hours=1))
    months = monthly_revenue(months=24, now=now)
    assert len(months) == 24
    assert months[-1].month == now.date().replace(day=1)
    assert months[-1].revenue == Decimal("40")
    assert len({m.month for m in months}) == 24
