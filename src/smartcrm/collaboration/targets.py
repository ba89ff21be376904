"""The records people follow and get notified about: a customer, a ticket or a deal, each with
the capability needed to see it, its label and its page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from smartcrm.accounts.models import User
from smartcrm.accounts.roles import Capability
from smartcrm.collaboration.models import TargetKind
from smartcrm.core.errors import NotFoundError
from smartcrm.customers.models import Customer
from smartcrm.pipeline.models import Deal
from smartcrm.support.models import Ticket

CAPABILITY: dict[str, Capability] = {
    TargetKind.CUSTOMER: Capability.VIEW_CUSTOMERS,
    TargetKind.TICKET: Capability.VIEW_TICKETS,
    TargetKind.DEAL: Capability.VIEW_PIPELINE,
}
MODEL: dict[str, type[Any]] = {
    TargetKind.CUSTOMER: Customer,
    TargetKind.TICKET: Ticket,
    TargetKind.DEAL: Deal,
}


def capability_of(kind: str) -> Capability:
    """The capability to see a record of ``kind``; an unknown kind is NotFoundError (404)."""
    if kind not in CAPABILITY:
        raise NotFoundError(f"kind {kind}")
    return CAPABILITY[kind]


def kind_of(obj: Any) -> TargetKind:
    return next(TargetKind(kind) for kind, model in MODEL.items() if isinstance(obj, model))


def get_target(kind: str, target_id: int) -> Any:
    obj = MODEL[kind].objects.filter(pk=target_id).first() if kind in MODEL else None
    if obj is None:
        raise NotFoundError(f"{kind} {target_id}")
    return obj


def label(obj: Any) -> str:
    if isinstance(obj, Ticket):
        return f"#{obj.pk} {obj.subject}"[:200]
    if isinstance(obj, Deal):
        return obj.title[:200]
    return str(obj.name)[:200]


def url(kind: str, target_id: int) -> str:
    if kind == TargetKind.TICKET:
        return reverse("web:ticket_detail", kwargs={"ticket_id": target_id})
    if kind == TargetKind.CUSTOMER:
        return reverse("web:customer_detail", kwargs={"customer_id": target_id})
    return reverse("web:pipeline")


def may_see(user: User, kind: str) -> bool:
    return user.is_active and user.can(CAPABILITY[kind])
