"""Writes for reviews: recording what a customer said, and moderating it."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcrm.catalog.models import Product
from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import ServiceValidationError
from smartcrm.core.moments import check_recorded
from smartcrm.customers.models import Customer
from smartcrm.feedback import events
from smartcrm.feedback.models import Review, ReviewStatus
from smartcrm.orders.models import Order


@transaction.atomic
def record_review(
    *,
    actor: Actor,
    customer: Customer,
    product: Product,
    rating: int,
    title: str = "",
    body: str = "",
    language: str = "en",
    order: Order | None = None,
    created_at: datetime | None = None,
) -> Review:
    """Record a customer's review of a product (1 to 5 stars)."""
    errors: dict[str, str] = {}
    title, body = title.strip(), body.strip()
    if not 1 <= rating <= 5:
        errors["rating"] = _("A rating is 1 to 5 stars.")
    if len(title) > 200:
        errors["title"] = _("At most 200 characters.")
    if len(body) > 20_000:
        errors["body"] = _("At most 20,000 characters.")
    if not language or len(language) > 10:
        errors["language"] = _("Give a language code of at most 10 characters.")
    if order is not None and order.customer_id != customer.pk:
        errors["order_id"] = _("That order belongs to another customer.")
    if created_at is not None:
        try:
            check_recorded(created_at)
        except ValueError as exc:
            errors["created_at"] = str(exc)
    if errors:
        raise ServiceValidationError(errors)
    review = Review.objects.create(
        customer=customer,
        product=product,
        order=order,
        rating=rating,
        title=title,
        body=body,
        language=language,
        created_at=created_at or timezone.now(),
    )
    audit.record(actor, AuditAction.CREATE, review, changes={"rating": rating, "product": product.pk})
    events.review_saved(review)  # text analysis
    return review


@transaction.atomic
def set_review_status(*, actor: Actor, review: Review, status: str) -> Review:
    """Publish or hide a review (moderation keeps the customer's words; it does not edit them)."""
    if status not in ReviewStatus.values:
        raise ServiceValidationError(
            {"status": _("Must be one of: %(choices)s.") % {"choices": ", ".join(ReviewStatus.values)}}
        )
    if review.status != status:
        old, review.status = review.status, status
        review.save(update_fields=["status"])
        audit.record(actor, AuditAction.MODERATE, review, changes={"status": {"from": old, "to": status}})
        events.review_saved(review)  # analysed again, as every saved review is
    return review


@transaction.atomic
def delete_review(*, actor: Actor, review: Review) -> None:
    """Delete a review (for spam, or at the customer's request)."""
    audit.record(
        actor, AuditAction.DELETE, review, changes={"rating": review.rating, "product": review.product_id}
    )
    review.delete()
