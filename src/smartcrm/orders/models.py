"""Orders with their lines, refunds and returns."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from smartcrm.catalog.models import Product
from smartcrm.customers.models import Customer


class OrderStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    REFUNDED = "refunded", _("Refunded")


class SalesChannel(models.TextChoices):
    WEB = "web", _("Web shop")
    MOBILE = "mobile", _("Mobile app")
    MARKETPLACE = "marketplace", _("Marketplace")
    POS = "pos", _("Point of sale")
    B2B = "b2b", _("B2B")


class Order(models.Model):
    # Unique by constraint, not ``unique=True``: that would add a second, ``LIKE``-only index per
    # column, which nothing queries and every order written pays for (docs/import.md, *Performance*).
    number = models.CharField(max_length=40)
    external_id = models.CharField(max_length=120, null=True, blank=True)
    # Indexed by ``order_customer_idx``, whose first column it is.
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders", db_index=False)
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.PAID)
    channel = models.CharField(max_length=20, choices=SalesChannel.choices, default=SalesChannel.WEB)
    currency = models.CharField(max_length=3, default="USD")
    placed_at = models.DateTimeField()
    subtotal = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    discount_total = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    shipping_total = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    total = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    refunded_total = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    promotion_code = models.CharField(max_length=40, blank=True)
    promised_delivery_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    ship_city = models.CharField(max_length=100, blank=True)
    ship_country = models.CharField(max_length=2, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["customer", "-placed_at"], name="order_customer_idx"),
            models.Index(fields=["-placed_at"], name="order_placed_idx"),
            models.Index(fields=["status", "-placed_at"], name="order_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="order_number_unique"),
            models.UniqueConstraint(fields=["external_id"], name="order_external_id_unique"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def was_late(self) -> bool:
        return bool(
            self.promised_delivery_at and self.delivered_at and self.delivered_at > self.promised_delivery_at
        )


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    # Indexed by ``orderline_product_idx``, whose first column it is.
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines", db_index=False)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    discount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    line_total = models.DecimalField(max_digits=14, decimal_places=2)
    returned_quantity = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["product", "order"], name="orderline_product_idx")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_id}"


class RefundKind(models.TextChoices):
    REFUND = "refund", _("Refund")
    RETURN = "return", _("Return")


class Refund(models.Model):
    """Money given back, with or without goods returned."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="refunds")
    line = models.ForeignKey(
        OrderLine, null=True, blank=True, on_delete=models.SET_NULL, related_name="refunds"
    )
    kind = models.CharField(max_length=10, choices=RefundKind.choices, default=RefundKind.REFUND)
    quantity = models.PositiveIntegerField(default=0)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} on {self.order_id}"
