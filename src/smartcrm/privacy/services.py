"""A customer's data export and erasure, and the retention rules: each atomic and audited.

The audit events say what was done and how much, never the values: an erasure's event names
the customer by id and counts the rows it removed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcrm.activities.models import Activity, Task
from smartcrm.assistant.models import Conversation, ConversationMessage, ReplySuggestion
from smartcrm.attachments.models import Attachment, OwnerKind
from smartcrm.attachments.services import delete_files_of
from smartcrm.automation.models import ScoreSnapshot, TimedTrigger, WorkflowRun
from smartcrm.campaigns.models import CampaignSend, Suppression
from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import ServiceValidationError
from smartcrm.customers.models import PERSONAL_FIELDS, Consent, ConsentEvent, Customer, ExternalId, Note, Tag
from smartcrm.dedup.models import DuplicatePair, Merge
from smartcrm.feedback.models import Review, SurveyResponse
from smartcrm.integrations.models import InboundDelivery, OutboundEvent
from smartcrm.intelligence.models import CustomerScore
from smartcrm.orders.models import Order, Refund
from smartcrm.pipeline.models import Deal, Lead
from smartcrm.privacy import archive, selectors
from smartcrm.recommendations.models import CustomerRecommendation
from smartcrm.support.models import Ticket, TicketMessage, TicketStatus
from smartcrm.textanalysis.models import SourceKind, TextAnalysis

ERASED_TEXT = ""


def export_personal_data(*, actor: Actor, customer: Customer) -> bytes:
    """A zip of everything held about the customer (JSON and one CSV per section); audited."""
    sections = selectors.personal_data(customer)
    data = archive.build_zip(customer.pk, sections, selectors.attachment_files(customer))
    counts = {name: len(rows) for name, rows in sections.items() if rows}
    audit.record(actor, AuditAction.EXPORT_PERSONAL_DATA, customer, changes={"rows": counts})
    return data


@transaction.atomic
def erase_personal_data(*, actor: Actor, customer: Customer) -> dict[str, int]:
    """Remove or irreversibly anonymise everything that identifies the customer; keep the orders.

    The customer row stays (orders point to it, for the books) as "Erased customer <id>" with
    every contact field, hash and search text emptied. Texts the customer wrote or that were
    written about them are deleted; identifiers (external ids, suppressed-address hashes, webhook
    bodies, merge snapshots) too. Returns the rows touched per kind; an erased customer cannot be
    erased again.
    """
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.erased_at is not None:
        raise ServiceValidationError({"customer": _("This customer was erased already.")})
    done: dict[str, int] = {}

    def count(name: str, n: int | tuple[int, dict[str, int]]) -> None:
        n = n[0] if isinstance(n, tuple) else n
        if n:
            done[name] = done.get(name, 0) + n

    external_ids = list(customer.external_ids.values_list("value", flat=True))
    order_ids = list(
        Order.objects.filter(customer=customer).exclude(external_id="").values_list("external_id", flat=True)
    )
    delivery_keys = [*external_ids, *order_ids]
    if delivery_keys:
        count(
            "webhook_deliveries",
            InboundDelivery.objects.filter(
                Q(external_id__in=delivery_keys) | Q(waiting_for__in=order_ids)
            ).delete(),
        )
    order_pks = list(Order.objects.filter(customer=customer).values_list("pk", flat=True))
    about_them = (
        Q(event_type__startswith="customer.", data__id=customer.pk)
        | Q(data__customer_id=customer.pk)
        | Q(data__order_id__in=order_pks)
    )
    count("outbound_events", OutboundEvent.objects.filter(about_them).delete())
    if customer.email_hash:
        count("suppressions", Suppression.objects.filter(email_hash=customer.email_hash).delete())
    count("merges", Merge.objects.filter(Q(survivor_id=customer.pk) | Q(merged_id=customer.pk)).delete())
    count(
        "duplicate_pairs",
        DuplicatePair.objects.filter(Q(left_id=customer.pk) | Q(right_id=customer.pk)).delete(),
    )

    conversations = Conversation.objects.filter(Q(customer=customer) | Q(ticket__customer=customer))
    count("attachments", delete_files_of(selectors.attachments_of(customer)))  # the files go after the commit
    count("conversations", conversations.delete())
    tickets = Ticket.objects.filter(customer=customer)
    count("reply_suggestions", ReplySuggestion.objects.filter(ticket__in=tickets).delete())
    count("ticket_messages", TicketMessage.objects.filter(ticket__in=tickets).delete())
    count("tickets", tickets.delete())
    for name, queryset in (
        ("text_analyses", TextAnalysis.objects.filter(customer=customer)),
        ("reviews", Review.objects.filter(customer=customer)),
        ("survey_responses", SurveyResponse.objects.filter(customer=customer)),
        ("notes", Note.objects.filter(customer=customer)),
        ("activities", Activity.objects.filter(customer=customer)),
        ("tasks", Task.objects.filter(customer=customer)),
        ("workflow_runs", WorkflowRun.objects.filter(customer=customer)),
        ("timed_triggers", TimedTrigger.objects.filter(customer=customer)),
        ("scores", CustomerScore.objects.filter(customer=customer)),
        ("score_snapshots", ScoreSnapshot.objects.filter(customer=customer)),
        ("recommendations", CustomerRecommendation.objects.filter(customer=customer)),
        ("external_ids", ExternalId.objects.filter(customer=customer)),
        ("consents", Consent.objects.filter(customer=customer)),
        ("consent_history", ConsentEvent.objects.filter(customer=customer)),
    ):
        count(name, queryset.delete())
    count("leads", Lead.objects.filter(customer=customer).update(contact_name="", email="", email_hash=""))
    for deal in Deal.objects.filter(customer=customer):
        deal.title = f"Deal {deal.pk}"
        deal.save(update_fields=["title"])
        count("deals", 1)
    count(
        "order_ship_cities",
        Order.objects.filter(customer=customer).exclude(ship_city="").update(ship_city=""),
    )
    count(
        "refund_reasons", Refund.objects.filter(order__customer=customer).exclude(reason="").update(reason="")
    )
    count(
        "campaign_send_errors",
        CampaignSend.objects.filter(customer=customer).exclude(error="").update(error=""),
    )

    tag_ids = list(customer.tags.values_list("pk", flat=True))
    customer.tags.clear()
    count("tags", Tag.objects.filter(pk__in=tag_ids, customers__isnull=True).delete())
    for name in PERSONAL_FIELDS - {"birthday"}:
        setattr(customer, name, "")
    customer.birthday = customer.renews_on = None
    customer.name = f"Erased customer {customer.pk}"
    customer.erased_at = timezone.now()
    customer.save()
    audit.record(actor, AuditAction.ERASE_PERSONAL_DATA, customer, changes={"removed": done})
    return done


def _months_ago(months: int, now: datetime) -> datetime:
    return now - timedelta(days=round(months * 30.44))


@transaction.atomic
def apply_retention(*, actor: Actor, now: datetime | None = None) -> dict[str, int]:
    """Remove the texts the retention settings no longer allow us to keep; 0 months keeps forever.

    * closed (solved or closed) tickets whose last message is older than
      ``SMARTCRM_RETAIN_CLOSED_TICKETS_MONTHS``: subject and message bodies emptied, their
      analyses and reply suggestions deleted (the ticket stays, for the support statistics);
    * conversations (chat, email, Telegram) not updated for ``SMARTCRM_RETAIN_CHATS_MONTHS``:
      their messages deleted.

    Idempotent: a second run finds nothing left to remove. Audited with the counts.
    """
    now = now or timezone.now()
    done: dict[str, int] = {}
    ticket_months = settings.SMARTCRM_RETAIN_CLOSED_TICKETS_MONTHS
    if ticket_months > 0:
        old = Ticket.objects.filter(
            status__in=[TicketStatus.SOLVED, TicketStatus.CLOSED],
            last_message_at__lt=_months_ago(ticket_months, now),
        )
        messages = TicketMessage.objects.filter(ticket__in=old).exclude(body=ERASED_TEXT)
        message_ids = list(messages.values_list("pk", flat=True))
        analyses = TextAnalysis.objects.filter(
            Q(source_kind=SourceKind.TICKET, source_id__in=old.values("pk"))
            | Q(source_kind=SourceKind.TICKET_MESSAGE, source_id__in=message_ids)
        )
        done["ticket_analyses"] = analyses.delete()[0]
        done["ticket_attachments"] = delete_files_of(Attachment.objects.filter(ticket__in=old))
        done["reply_suggestions"] = ReplySuggestion.objects.filter(ticket__in=old).delete()[0]
        done["ticket_messages"] = messages.update(body=ERASED_TEXT)
        done["ticket_subjects"] = old.exclude(subject=ERASED_TEXT).update(subject=ERASED_TEXT)
    chat_months = settings.SMARTCRM_RETAIN_CHATS_MONTHS
    if chat_months > 0:
        stale = Conversation.objects.filter(updated_at__lt=_months_ago(chat_months, now))
        done["chat_messages"] = ConversationMessage.objects.filter(conversation__in=stale).delete()[0]
        done["chat_attachments"] = delete_files_of(
            Attachment.objects.filter(owner_kind=OwnerKind.CONVERSATION, owner_id__in=stale.values("pk"))
        )
    done = {k: v for k, v in done.items() if v}
    audit.record(
        actor, AuditAction.APPLY_RETENTION, object_type="privacy.retention", changes={"removed": done}
    )
    return done
