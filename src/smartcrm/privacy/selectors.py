"""Everything held about one customer, section by section (the data export's content).

Each section is a list of plain rows (field name → value), contact details decrypted. Keyed
hashes and internal secrets are left out: they are ours, not the customer's data, and mean
nothing without the key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet

from smartcrm.activities.models import Activity, Task
from smartcrm.assistant.models import Conversation, ConversationMessage
from smartcrm.attachments.models import Attachment
from smartcrm.attachments.storage import read
from smartcrm.campaigns.models import CampaignSend
from smartcrm.core.models import AuditAction, AuditEvent
from smartcrm.customers.models import Consent, ConsentEvent, Customer, ExternalId, Note
from smartcrm.feedback.models import Review, SurveyResponse
from smartcrm.intelligence.models import CustomerScore
from smartcrm.orders.models import Order, OrderLine, Refund
from smartcrm.pipeline.models import Deal, Lead
from smartcrm.recommendations.models import CustomerRecommendation
from smartcrm.support.models import Ticket, TicketMessage
from smartcrm.textanalysis.models import TextAnalysis

# Columns that are not the customer's data: lookup hashes, widget handles, LLM bookkeeping.
LEFT_OUT = frozenset(
    {
        "email_hash",
        "phone_hash",
        "search_text",
        "public_token",
        "claim",
        "erased_at",
        "prev_hash",
        "chain_hash",
        "file_key",
        "thumbnail_key",
    }
)

Rows = list[dict[str, Any]]


def _rows(queryset: QuerySet[Any]) -> Rows:
    model: type[models.Model] = queryset.model
    names = [f.attname for f in model._meta.concrete_fields if f.attname not in LEFT_OUT]
    return [{name: getattr(obj, name) for name in names} for obj in queryset.order_by("pk")]


def _conversations(customer: Customer) -> QuerySet[Conversation]:
    return Conversation.objects.filter(Q(customer=customer) | Q(ticket__customer=customer)).distinct()


SECTIONS: dict[str, Callable[[Customer], QuerySet[Any]]] = {
    "external_ids": lambda c: ExternalId.objects.filter(customer=c),
    "consents": lambda c: Consent.objects.filter(customer=c),
    "consent_history": lambda c: ConsentEvent.objects.filter(customer=c),
    "notes": lambda c: Note.objects.filter(customer=c),
    "orders": lambda c: Order.objects.filter(customer=c),
    "order_lines": lambda c: OrderLine.objects.filter(order__customer=c),
    "refunds": lambda c: Refund.objects.filter(order__customer=c),
    "tickets": lambda c: Ticket.objects.filter(customer=c),
    "ticket_messages": lambda c: TicketMessage.objects.filter(ticket__customer=c),
    "reviews": lambda c: Review.objects.filter(customer=c),
    "survey_responses": lambda c: SurveyResponse.objects.filter(customer=c),
    "conversations": _conversations,
    "conversation_messages": lambda c: ConversationMessage.objects.filter(conversation__in=_conversations(c)),
    "campaign_sends": lambda c: CampaignSend.objects.filter(customer=c),
    "scores": lambda c: CustomerScore.objects.filter(customer=c),
    "recommendations": lambda c: CustomerRecommendation.objects.filter(customer=c),
    "text_analyses": lambda c: TextAnalysis.objects.filter(customer=c),
    "activities": lambda c: Activity.objects.filter(customer=c),
    "tasks": lambda c: Task.objects.filter(customer=c),
    "leads": lambda c: Lead.objects.filter(customer=c),
    "deals": lambda c: Deal.objects.filter(customer=c),
    "attachments": lambda c: attachments_of(c),
    "audit_events": lambda c: AuditEvent.objects.filter(
        object_type="customers.customer", object_id=str(c.pk)
    ),
}


def attachments_of(customer: Customer) -> QuerySet[Attachment]:
    """The files the customer sent or that were attached to their records."""
    return Attachment.objects.filter(Q(customer=customer) | Q(ticket__customer=customer)).distinct()


def attachment_files(customer: Customer) -> dict[str, bytes]:
    """The stored files themselves, for the export zip (``attachments/<id>-<name>``)."""
    rows = attachments_of(customer).order_by("pk").only("pk", "name", "file_key")
    return {f"attachments/{a.pk}-{a.name}": read(a.file_key) for a in rows}


def personal_data(customer: Customer) -> dict[str, Rows]:
    """Every section of the export: the profile with its tags first, then one per kind of record."""
    profile = _rows(Customer.objects.filter(pk=customer.pk))[0]
    profile["tags"] = sorted(customer.tags.values_list("name", flat=True))
    return {"customer": [profile], **{name: _rows(query(customer)) for name, query in SECTIONS.items()}}


PRIVACY_ACTIONS = (
    AuditAction.EXPORT_PERSONAL_DATA,
    AuditAction.ERASE_PERSONAL_DATA,
    AuditAction.APPLY_RETENTION,
)


def recent_privacy_events(limit: int = 20) -> list[AuditEvent]:
    """The latest exports, erasures and retention runs, for the privacy page."""
    return list(AuditEvent.objects.filter(action__in=PRIVACY_ACTIONS).order_by("-seq")[:limit])
