"""The customer 360: everything a person needs beside a customer, from every domain."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from smartcrm.activities.models import Task, TaskStatus
from smartcrm.attachments.models import Attachment
from smartcrm.attachments.selectors import of_customer
from smartcrm.core.errors import NotFoundError
from smartcrm.customers.models import Consent, Customer, ExternalId, Note, Tag
from smartcrm.feedback.models import Review
from smartcrm.intelligence.models import CustomerScore
from smartcrm.intelligence.selectors import score_of
from smartcrm.orders.models import Order, Refund
from smartcrm.readmodels.timeline import TimelineEntry, merge_timeline
from smartcrm.support.models import Ticket


@dataclass(frozen=True)
class Customer360:
    customer: Customer
    tags: list[str]
    external_ids: list[ExternalId]
    orders: list[Order]
    tickets: list[Ticket]
    reviews: list[Review]
    timeline: list[TimelineEntry]
    notes: list[Note]
    open_tasks: list[Task]
    consents: dict[str, Consent]  # by channel: the status, where it came from and when
    score: CustomerScore | None = None
    attachments: list[Attachment] = field(default_factory=list)  # photos, voice messages, files sent


def customer_360(customer_id: int, *, recent: int = 20) -> Customer360:
    """Everything a person needs beside a customer, in a fixed, small number of queries."""
    customer = (
        Customer.objects.select_related("score")
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.only("name")),
            "external_ids",
            "consents",
        )
        .filter(pk=customer_id)
        .first()
    )
    if customer is None:
        raise NotFoundError(f"customer {customer_id}")
    orders = list(customer.orders.order_by("-placed_at")[:recent])
    tickets = list(customer.tickets.order_by("-created_at")[:recent])
    reviews = list(customer.reviews.select_related("product").order_by("-created_at")[:recent])
    notes = list(customer.notes.select_related("author")[:recent])
    timeline = merge_timeline(
        orders=orders,
        tickets=tickets,
        reviews=reviews,
        notes=notes,
        refunds=Refund.objects.filter(order__customer=customer)
        .select_related("order")
        .order_by("-created_at")[:recent],
        surveys=customer.survey_responses.order_by("-created_at")[:recent],
        activities=customer.activities.order_by("-occurred_at", "-id")[:recent],
        limit=recent * 2,
    )
    return Customer360(
        customer=customer,
        tags=[t.name for t in customer.tags.all()],
        external_ids=list(customer.external_ids.all()),
        orders=orders,
        tickets=tickets,
        reviews=reviews,
        timeline=timeline,
        notes=notes,
        open_tasks=list(customer.tasks.filter(status=TaskStatus.OPEN).order_by("due_at")[:recent]),
        consents={c.channel: c for c in customer.consents.all()},
        score=score_of(customer),
        attachments=of_customer(customer.pk),
    )
