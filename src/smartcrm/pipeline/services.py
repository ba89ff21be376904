"""Writes for the B2B pipeline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcrm.activities.models import ActivityKind
from smartcrm.activities.services import log_activity
from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import ServiceValidationError
from smartcrm.customers.models import Customer
from smartcrm.customers.services import clean_contact
from smartcrm.pipeline import events
from smartcrm.pipeline.models import Deal, Lead, SalesTarget, Stage

DEFAULT_STAGES = [
    # name, probability %, won, lost
    ("Qualified", 10, False, False),
    ("Proposal", 30, False, False),
    ("Negotiation", 60, False, False),
    ("Won", 100, True, False),
    ("Lost", 0, False, True),
]


def ensure_default_stages() -> list[Stage]:
    """Create the standard stages if the pipeline has none (idempotent)."""
    if not Stage.objects.exists():
        Stage.objects.bulk_create(
            Stage(name=name, position=i, probability=p, is_won=won, is_lost=lost)
            for i, (name, p, won, lost) in enumerate(DEFAULT_STAGES)
        )
    return list(Stage.objects.all())


@transaction.atomic
def create_deal(
    *,
    actor: Actor,
    title: str,
    stage: Stage,
    value: Decimal = Decimal("0"),
    customer: Customer | None = None,
    owner: Any = None,
    expected_close: date | None = None,
    currency: str = "USD",
) -> Deal:
    errors: dict[str, str] = {}
    title = title.strip()
    if not title:
        errors["title"] = _("A deal needs a title.")
    elif len(title) > 200:
        errors["title"] = _("At most 200 characters.")
    if value < 0:
        errors["value"] = _("Cannot be negative.")
    if errors:
        raise ServiceValidationError(errors)
    deal = Deal.objects.create(
        title=title,
        stage=stage,
        value=value,
        customer=customer,
        owner=owner,
        expected_close=expected_close,
        currency=currency.upper()[:3],
        created_at=timezone.now(),
    )
    audit.record(actor, AuditAction.CREATE, deal, changes={"stage": stage.name, "value": str(value)})
    if customer is not None:
        log_activity(
            customer=customer,
            kind=ActivityKind.DEAL,
            actor=actor,
            obj=deal,
            summary=f"Deal “{title}” created in {stage.name}",
        )
    events.deal_created(deal)
    return deal


@transaction.atomic
def create_lead(
    *,
    actor: Actor,
    company_name: str,
    contact_name: str = "",
    email: str = "",
    source: str = "",
    customer: Customer | None = None,
    owner: Any = None,
) -> Lead:
    """A new lead; the assignment rules for leads give it a team and an owner (unless named)."""
    errors: dict[str, str] = {}
    company_name, contact_name, email = company_name.strip(), contact_name.strip(), email.strip()
    if not company_name:
        errors["company_name"] = _("A lead needs a company name.")
    elif len(company_name) > 200:
        errors["company_name"] = _("At most 200 characters.")
    if len(contact_name) > 200:
        errors["contact_name"] = _("At most 200 characters.")
    contact = clean_contact(email, "", errors)
    if len(source.strip()) > 50:
        errors["source"] = _("At most 50 characters.")
    if errors:
        raise ServiceValidationError(errors)
    lead = Lead.objects.create(
        company_name=company_name,
        contact_name=contact_name,
        email=contact.email,
        email_hash=contact.email_hash,
        source=source.strip(),
        customer=customer,
        owner=owner,
        created_at=timezone.now(),
    )
    audit.record(actor, AuditAction.CREATE, lead, changes={"company_name": company_name})
    events.lead_created(lead)
    return lead


@transaction.atomic
def move_deal(*, actor: Actor, deal: Deal, stage: Stage) -> Deal:
    """Move a deal to another stage; reaching a won or lost stage closes it."""
    if deal.stage_id == stage.pk:
        return deal
    old = deal.stage.name
    deal.stage = stage
    deal.closed_at = timezone.now() if (stage.is_won or stage.is_lost) else None
    deal.save(update_fields=["stage", "closed_at", "updated_at"])
    audit.record(actor, AuditAction.MOVE, deal, changes={"stage": {"from": old, "to": stage.name}})
    if deal.customer_id:
        log_activity(
            customer=deal.customer,
            kind=ActivityKind.DEAL,
            actor=actor,
            obj=deal,
            summary=f"Deal “{deal.title}” moved from {old} to {stage.name}",
        )
    events.deal_changed(deal)
    return deal


DEAL_FIELDS = ("title", "value", "currency", "customer", "owner", "expected_close")


@transaction.atomic
def update_deal(*, actor: Actor, deal: Deal, values: dict[str, Any]) -> dict[str, Any]:
    """Change a deal's details (not its stage: ``move_deal`` does that); returns what changed."""
    unknown = set(values) - set(DEAL_FIELDS)
    if unknown:
        raise ServiceValidationError(dict.fromkeys(sorted(unknown), _("Unknown field.")))
    errors: dict[str, str] = {}
    cleaned = dict(values)
    if "title" in cleaned:
        cleaned["title"] = (cleaned["title"] or "").strip()
        if not cleaned["title"]:
            errors["title"] = _("A deal needs a title.")
        elif len(cleaned["title"]) > 200:
            errors["title"] = _("At most 200 characters.")
    if "value" in cleaned and (cleaned["value"] is None or cleaned["value"] < 0):
        errors["value"] = _("Cannot be negative.")
    if "currency" in cleaned:
        cleaned["currency"] = (cleaned["currency"] or "").upper()
        if len(cleaned["currency"]) != 3 or not cleaned["currency"].isalpha():
            errors["currency"] = _("Use a three-letter ISO currency code.")
    if errors:
        raise ServiceValidationError(errors)
    changes = audit.diff(deal, cleaned, frozenset())
    if changes:
        deal.save(update_fields=[*changes, "updated_at"])
        audit.record(actor, AuditAction.UPDATE, deal, changes=changes)
        events.deal_changed(deal)
    return changes


@transaction.atomic
def delete_deal(*, actor: Actor, deal: Deal) -> None:
    audit.record(actor, AuditAction.DELETE, deal, changes={"title": deal.title, "stage": deal.stage_id})
    deal.delete()


MAX_TARGET = Decimal("1e12")


@transaction.atomic
def set_sales_target(*, actor: Actor, month: date, amount: Decimal | None) -> SalesTarget | None:
    """The target for ``month`` (any day in it); ``None`` removes it."""
    month = month.replace(day=1)
    current = SalesTarget.objects.filter(month=month).first()
    if amount is None:
        if current is not None:
            audit.record(actor, AuditAction.DELETE, current)
            current.delete()
        return None
    if not Decimal(0) <= amount < MAX_TARGET:
        raise ServiceValidationError({"amount": "A target is zero or more."})
    if current is None:
        current = SalesTarget.objects.create(month=month, amount=amount)
        audit.record(actor, AuditAction.CREATE, current)
    elif current.amount != amount:
        changes = audit.diff(current, {"amount": amount}, frozenset())
        current.save(update_fields=["amount"])
        audit.record(actor, AuditAction.UPDATE, current, changes=changes)
    return current
