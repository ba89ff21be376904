"""Importers for support tickets and product reviews: neither has an external id, so a match key decides.

A ticket is the same ticket when the customer, the subject and the first message agree; a review
is the same review when the customer, the product and its date (or, without a date, its title
and text) agree. Matching rows are ``unchanged``, so re-running a file changes nothing.
"""

from __future__ import annotations

from typing import Any

from smartcrm.catalog.models import Product
from smartcrm.core.errors import ServiceValidationError
from smartcrm.customers.models import Customer, ExternalId
from smartcrm.feedback.models import Review
from smartcrm.feedback.services import record_review
from smartcrm.imports.importers import REQUIRED, Importer, Outcome, Rejected, _cell, _row_errors
from smartcrm.imports.parsing import check_length, parse_choice, parse_int, parse_moment
from smartcrm.imports.reader import Column, Row
from smartcrm.orders.models import Order
from smartcrm.support.models import Priority, Ticket, TicketChannel
from smartcrm.support.services import open_ticket

CUSTOMER = Column("customer_external_id", ("customer_id", "customer", "客户编号", "客户id"), required=True)
ORDER = Column("order_external_id", ("order_id", "order_number", "order", "订单号"))
NO_CUSTOMER = "No customer with this id in system '{system}' (import the customers first)."


class _FeedbackImporter(Importer):
    def _customer(self, row: Row, errors: dict[str, str]) -> Customer | None:
        key = row.get("customer_external_id")
        if not key:
            errors["customer_external_id"] = REQUIRED
            return None
        ref = ExternalId.objects.select_related("customer").filter(system=self.system, value=key).first()
        if ref is None:
            errors["customer_external_id"] = NO_CUSTOMER.format(system=self.system)
            return None
        return ref.customer

    @staticmethod
    def _order(row: Row, errors: dict[str, str]) -> Order | None:
        key = row.get("order_external_id")
        if not key:
            return None
        order = Order.objects.filter(external_id=key).first()
        if order is None:
            errors["order_external_id"] = "No order with this id (import the orders first)."
        return order

    @staticmethod
    def _service(errors: dict[str, str], exc: ServiceValidationError, row: Row) -> Rejected:
        renamed = {"__all__": "", "order_id": "order_external_id"}
        for name, message in exc.errors.items():
            errors[renamed.get(name, name)] = message
        return Rejected(_row_errors(row, errors))


class TicketImporter(_FeedbackImporter):
    kind = "tickets"
    columns = (
        CUSTOMER,
        Column("subject", ("title", "topic", "主题", "标题"), required=True),
        Column("body", ("message", "description", "text", "内容", "描述")),
        Column("channel", ("source", "渠道")),
        Column("priority", ("urgency", "优先级")),
        Column("language", ("lang", "locale", "语言")),
        ORDER,
    )

    def import_unit(self, unit: list[Row]) -> Outcome:
        (row,) = unit
        errors = self.base_errors(row)
        customer = self._customer(row, errors)
        subject = row.get("subject")
        if not subject:
            errors["subject"] = REQUIRED
        body = _cell(errors, "body", check_length, row.get("body"), 20_000) or ""
        channel = _cell(errors, "channel", parse_choice, row.get("channel"), list(TicketChannel.values))
        priority = _cell(errors, "priority", parse_choice, row.get("priority"), list(Priority.values))
        language = _cell(errors, "language", check_length, row.get("language"), 10) or "en"
        order = self._order(row, errors)
        if errors or customer is None:
            raise Rejected(_row_errors(row, errors))
        if Ticket.objects.filter(customer=customer, subject=subject, messages__body=body.strip()).exists():
            return Outcome.UNCHANGED
        try:
            open_ticket(
                actor=self.actor,
                customer=customer,
                subject=subject,
                body=body,
                channel=channel or TicketChannel.EMAIL,
                priority=priority or Priority.NORMAL,
                language=language,
                order=order,
            )
        except ServiceValidationError as exc:
            raise self._service(errors, exc, row) from exc
        return Outcome.CREATED


class ReviewImporter(_FeedbackImporter):
    kind = "reviews"
    columns = (
        CUSTOMER,
        Column("sku", ("product_sku", "product", "item_sku", "商品编码", "货号"), required=True),
        Column("rating", ("stars", "score", "评分", "星级"), required=True, type="number"),
        Column("title", ("headline", "subject", "标题")),
        Column("body", ("review", "text", "comment", "内容", "评价")),
        Column("language", ("lang", "locale", "语言")),
        Column("created_at", ("date", "review_date", "reviewed_at", "日期", "评价时间"), type="date"),
        ORDER,
    )

    def import_unit(self, unit: list[Row]) -> Outcome:
        (row,) = unit
        errors = self.base_errors(row)
        customer = self._customer(row, errors)
        sku = row.get("sku")
        product = Product.objects.filter(sku=sku).first() if sku else None
        if not sku:
            errors["sku"] = REQUIRED
        elif product is None:
            errors["sku"] = "No product with this SKU (import the products first)."
        rating = _cell(errors, "rating", parse_int, row.get("rating"), minimum=1, maximum=5)
        if rating is None and "rating" not in errors:
            errors["rating"] = REQUIRED
        created_at = _cell(errors, "created_at", parse_moment, row.get("created_at"))
        title, body = row.get("title"), row.get("body")
        language = row.get("language") or "en"
        order = self._order(row, errors)
        if errors or customer is None or product is None or rating is None:
            raise Rejected(_row_errors(row, errors))
        same: dict[str, Any] = {"customer": customer, "product": product}
        same.update(
            {"created_at": created_at} if created_at else {"title": title.strip(), "body": body.strip()}
        )
        if Review.objects.filter(**same).exists():
            return Outcome.UNCHANGED
        try:
            record_review(
                actor=self.actor,
                customer=customer,
                product=product,
                rating=rating,
                title=title,
                body=body,
                language=language,
                order=order,
                created_at=created_at,
            )
        except ServiceValidationError as exc:
            raise self._service(errors, exc, row) from exc
        return Outcome.CREATED
