"""Why we hold each piece of personal data: one record per field (or group of fields).

The privacy page and docs/security.md show this table; a test checks that every encrypted
column and every personal field of a customer is listed, so a new one cannot be added silently.
Retention names the rule that ends it: an erasure (``smartcrm privacy erase``), a retention
setting run by the scheduler (``smartcrm retention run``), or the books' legal period.
"""

from __future__ import annotations

from dataclasses import dataclass

from smartcrm.customers.contact import ADDRESS_FIELDS

CONTRACT = "Contract (art. 6(1)(b) GDPR; PIPL art. 13(2))"
CONSENT = "Consent (art. 6(1)(a) GDPR; PIPL art. 13(1))"
LEGAL = "Legal obligation (art. 6(1)(c) GDPR; PIPL art. 13(3))"
INTEREST = "Legitimate interest (art. 6(1)(f) GDPR)"
ERASED = "until the customer's erasure"


@dataclass(frozen=True)
class HeldField:
    model: str  # app_label.ModelName
    fields: tuple[str, ...]
    purpose: str
    legal_basis: str
    retention: str
    on_erasure: str


REGISTRY: tuple[HeldField, ...] = (
    HeldField(
        "customers.Customer",
        ("first_name", "last_name", "company_name", "name"),
        "Address the customer; tell customers apart in support and sales",
        CONTRACT,
        ERASED,
        "replaced by 'Erased customer <id>'",
    ),
    HeldField(
        "customers.Customer",
        ("email", "phone"),
        "Order confirmations, delivery and support contact; campaigns only with consent",
        CONTRACT,
        ERASED,
        "emptied (encrypted at rest until then)",
    ),
    HeldField(
        "customers.Customer",
        ("email_hash", "phone_hash"),
        "Find a customer by exact email or phone without decrypting (keyed hash)",
        CONTRACT,
        ERASED,
        "emptied",
    ),
    HeldField(
        "customers.Customer",
        tuple(name for name in ADDRESS_FIELDS if name != "country"),
        "Deliver orders; regional reports",
        CONTRACT,
        ERASED,
        "emptied (street address encrypted at rest until then)",
    ),
    HeldField(
        "customers.Customer",
        ("country", "language"),
        "Taxes, currency and the language we write in",
        CONTRACT,
        "as long as the orders (the books)",
        "kept (not identifying alone)",
    ),
    HeldField(
        "customers.Customer",
        ("birthday",),
        "Birthday greetings from workflows (only the month and day are used)",
        CONSENT,
        ERASED,
        "emptied",
    ),
    HeldField(
        "customers.Customer",
        ("renews_on",),
        "Renewal reminders from workflows",
        CONTRACT,
        ERASED,
        "emptied",
    ),
    HeldField(
        "customers.Customer",
        ("search_text",),
        "The customer list's search (lowercased name, company, city, external ids)",
        CONTRACT,
        ERASED,
        "emptied",
    ),
    HeldField(
        "customers.ExternalId",
        ("system", "value"),
        "Match the customer with the shop platform and imported files",
        CONTRACT,
        ERASED,
        "deleted",
    ),
    HeldField(
        "customers.Consent",
        ("channel", "status", "source"),
        "Send marketing only to who agreed, per channel",
        CONSENT,
        ERASED,
        "deleted",
    ),
    HeldField(
        "customers.ConsentEvent",
        ("channel", "status", "via", "source", "recorded_by", "at"),
        "Prove when and how each consent was given or withdrawn",
        LEGAL,
        ERASED,
        "deleted",
    ),
    HeldField("customers.Note", ("body",), "Staff remarks for service", INTEREST, ERASED, "deleted"),
    HeldField(
        "orders.Order",
        ("number", "external_id", "ship_city", "ship_country", "total", "placed_at"),
        "Fulfil and account for orders",
        LEGAL,
        "the books' legal period (orders are never erased)",
        "kept for the books with the customer anonymised; ship city emptied",
    ),
    HeldField(
        "orders.Refund",
        ("reason",),
        "Account for refunds and returns",
        LEGAL,
        "the books' legal period",
        "reason text emptied, amounts kept",
    ),
    HeldField(
        "support.Ticket",
        ("subject",),
        "Answer the customer's requests",
        CONTRACT,
        "closed tickets' texts: SMARTCRM_RETAIN_CLOSED_TICKETS_MONTHS",
        "deleted with its messages",
    ),
    HeldField(
        "support.TicketMessage",
        ("body",),
        "Answer the customer's requests",
        CONTRACT,
        "closed tickets' texts: SMARTCRM_RETAIN_CLOSED_TICKETS_MONTHS",
        "deleted",
    ),
    HeldField(
        "assistant.ConversationMessage",
        ("body",),
        "Answer chat, email and Telegram questions; hand over to staff",
        CONTRACT,
        "chat transcripts: SMARTCRM_RETAIN_CHATS_MONTHS",
        "deleted with the conversation",
    ),
    HeldField(
        "assistant.Conversation",
        ("external_ref",),
        "Reply on the channel the customer wrote from (e.g. the Telegram chat id)",
        CONTRACT,
        "chat transcripts: SMARTCRM_RETAIN_CHATS_MONTHS",
        "deleted",
    ),
    HeldField(
        "attachments.Attachment",
        ("name", "text", "details"),
        "Read what customers send besides text (photos, voice messages, files): the stored file, "
        "its thumbnail and what was read from it with personal data masked",
        CONTRACT,
        "with its record: closed tickets' and chats' retention, or the customer's erasure",
        "deleted with the stored file and thumbnail",
    ),
    HeldField(
        "feedback.Review",
        ("title", "body", "rating"),
        "Product feedback and sentiment",
        INTEREST,
        ERASED,
        "deleted",
    ),
    HeldField(
        "feedback.SurveyResponse",
        ("comment", "score"),
        "Service feedback (NPS/CSAT)",
        INTEREST,
        ERASED,
        "deleted",
    ),
    HeldField(
        "textanalysis.TextAnalysis",
        ("redacted", "entities", "sentiment", "intent"),
        "Triage and feedback analysis of the customer's texts (PII already redacted)",
        INTEREST,
        "with the text it analyses",
        "deleted",
    ),
    HeldField(
        "intelligence.CustomerScore",
        ("segment", "clv_12m", "churn_risk", "propensity_30d", "churn_reasons", "propensity_reasons"),
        "Segments, lifetime value and churn risk, with the reasons behind them",
        INTEREST,
        "replaced at each nightly refresh",
        "deleted",
    ),
    HeldField(
        "recommendations.CustomerRecommendation",
        ("product", "reason"),
        "Product suggestions for staff and campaigns",
        INTEREST,
        "replaced at each nightly refresh",
        "deleted",
    ),
    HeldField(
        "campaigns.CampaignSend",
        ("campaign", "status", "error"),
        "Send each campaign email once; measure its uplift",
        CONSENT,
        "as long as the campaign's results",
        "kept with the customer anonymised (for the measured uplift); error text emptied",
    ),
    HeldField(
        "campaigns.Suppression",
        ("email_hash",),
        "Never mail an address that unsubscribed, bounced or complained",
        LEGAL,
        ERASED,
        "deleted",
    ),
    HeldField(
        "activities.Activity",
        ("summary",),
        "The customer's timeline",
        INTEREST,
        ERASED,
        "deleted",
    ),
    HeldField("activities.Task", ("title",), "Staff follow-ups", INTEREST, ERASED, "deleted"),
    HeldField(
        "pipeline.Lead",
        ("contact_name", "email", "email_hash"),
        "B2B sales contact",
        INTEREST,
        ERASED,
        "emptied",
    ),
    HeldField(
        "pipeline.Deal",
        ("title",),
        "B2B sales pipeline",
        CONTRACT,
        "as long as the deal",
        "title replaced by 'Deal <id>'",
    ),
    HeldField(
        "automation.WorkflowRun",
        ("context",),
        "Run workflows on the customer's records (context, step logs, outgoing email)",
        INTEREST,
        ERASED,
        "deleted with their step logs and outbox",
    ),
    HeldField(
        "integrations.InboundDelivery",
        ("payload",),
        "Replay a shop webhook (the raw body, encrypted)",
        CONTRACT,
        ERASED,
        "deleted (those about the customer and their orders)",
    ),
    HeldField(
        "integrations.OutboundEvent",
        ("data", "pii"),
        "Tell the shop's other systems what changed (contact details encrypted, sent only where allowed)",
        CONTRACT,
        ERASED,
        "deleted with their delivery log (those about the customer, their orders and tickets)",
    ),
    HeldField(
        "dedup.Merge",
        ("snapshot",),
        "Undo a merge of two customers (encrypted)",
        INTEREST,
        ERASED,
        "deleted (the merge can no longer be undone)",
    ),
    HeldField(
        "dedup.DuplicatePair",
        ("left_id", "right_id", "evidence"),
        "The duplicate review queue",
        INTEREST,
        ERASED,
        "deleted",
    ),
    HeldField(
        "core.AuditEvent",
        ("object_id", "changes"),
        "Who did what to the customer's record (field names only, never values)",
        LEGAL,
        "kept: append-only and hash-chained",
        "kept (holds no personal values)",
    ),
)


def fields_of(model_label: str) -> set[str]:
    """Every field of ``model_label`` (``app.Model``) the registry accounts for."""
    return {f for held in REGISTRY if held.model.lower() == model_label.lower() for f in held.fields}
