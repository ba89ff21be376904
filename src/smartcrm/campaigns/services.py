"""Writes of campaigns: create and edit, schedule, start (the audience written as one
CampaignSend row per customer, the holdout decided there), cancel, add or remove one customer
(for workflows), unsubscribe and suppress."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcrm.activities.models import ActivityKind
from smartcrm.activities.services import log_activity
from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.core.merge_fields import unknown_fields
from smartcrm.core.models import AuditAction
from smartcrm.core.pii import hash_for_lookup, normalise_email
from smartcrm.customers.models import Channel, ConsentSource, ConsentStatus, Customer
from smartcrm.customers.services import set_consent
from smartcrm.engine.uplift import in_control
from smartcrm.engine.uplift.holdout import MAX_SHARE
from smartcrm.intelligence.selectors import segment_catalogue

from . import jobs, targeting
from .audience import campaign_audience, filter_errors
from .mail import MERGE_FIELDS, send_of
from .models import Campaign, CampaignSend, CampaignStatus, SendStatus, Suppression, SuppressionReason

EDITABLE = (
    "name",
    "segment",
    "saved_filter",
    "persuadable_share",
    "subject_en",
    "body_en",
    "subject_zh",
    "body_zh",
    "sends_per_minute",
    "control_share",
    "attribution_days",
)
CHUNK = 5000
OPEN = (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED)


def _validate(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean = {k: values[k] for k in EDITABLE if k in values}
    if "name" in clean:
        clean["name"] = str(clean["name"]).strip()[:200]
        if not clean["name"]:
            errors["name"] = _("A campaign needs a name.")
    if clean.get("segment") and clean["segment"] not in segment_catalogue():
        errors["segment"] = _("Not a segment.")
    if "saved_filter" in clean:
        if not isinstance(clean["saved_filter"], dict):
            errors["saved_filter"] = _("A saved filter is an object of the customer list's filters.")
        else:
            clean["saved_filter"] = {k: v for k, v in clean["saved_filter"].items() if v not in ("", None)}
            errors.update(filter_errors(clean["saved_filter"]))
    errors.update(_persuadable_errors(clean))
    for field in ("subject_en", "body_en", "subject_zh", "body_zh"):
        unknown = unknown_fields(str(clean.get(field, "")), MERGE_FIELDS)
        if unknown:
            errors[field] = _("Unknown merge field %(field)s; use one of: %(choices)s.") % {
                "field": repr(unknown[0]),
                "choices": ", ".join(MERGE_FIELDS),
            }
    try:
        share = float(clean.get("control_share", 0.1))
        if not 0 <= share <= MAX_SHARE:
            errors["control_share"] = _("The control share is between 0 and %(max)s.") % {"max": MAX_SHARE}
        rate = int(clean.get("sends_per_minute", 600))
        if not 1 <= rate <= 1_000_000:
            errors["sends_per_minute"] = _("Between 1 and 1,000,000 sends a minute.")
        days = int(clean.get("attribution_days", 14))
        if not 1 <= days <= 365:
            errors["attribution_days"] = _("Between 1 and 365 days.")
    except (TypeError, ValueError):
        errors["control_share"] = _("Numbers, please.")
    if errors:
        raise ServiceValidationError(errors)
    return clean


def _persuadable_errors(clean: dict[str, Any]) -> dict[str, str]:
    """A share in (0, 1] (0.3: the most persuadable 30% of the audience), or empty for all of it."""
    if "persuadable_share" not in clean:
        return {}
    share = clean["persuadable_share"]
    if share in (None, "", 0):
        clean["persuadable_share"] = None
        return {}
    try:
        value = float(share)
    except (TypeError, ValueError):
        value = -1.0
    if not 0 < value <= 1:
        return {"persuadable_share": _("A share above 0 and at most 1 (0.3: the most persuadable 30%).")}
    clean["persuadable_share"] = value
    return {}


@transaction.atomic
def create_campaign(*, actor: Actor, values: dict[str, Any]) -> Campaign:
    clean = _validate({"name": "", **values})
    campaign = Campaign.objects.create(
        key=f"campaign-{uuid.uuid4().hex[:16]}", created_by=audit.user_of(actor), **clean
    )
    audit.record(actor, AuditAction.CREATE, campaign, changes={"name": campaign.name})
    return campaign


@transaction.atomic
def update_campaign(*, actor: Actor, campaign: Campaign, values: dict[str, Any]) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status not in OPEN:
        raise ServiceValidationError({"status": _("Only a draft or scheduled campaign can be changed.")})
    clean = _validate(values)
    for name, value in clean.items():
        setattr(campaign, name, value)
    campaign.save()
    audit.record(actor, AuditAction.UPDATE, campaign, changes={"fields": sorted(clean)})
    return campaign


def _ready_errors(campaign: Campaign) -> dict[str, str]:
    errors = {}
    if not campaign.subject_en.strip() or not campaign.body_en.strip():
        errors["body_en"] = _("The English subject and body are needed (the fallback for every customer).")
    if bool(campaign.subject_zh.strip()) != bool(campaign.body_zh.strip()):
        errors["body_zh"] = _("The Chinese version needs both a subject and a body, or neither.")
    return errors


@transaction.atomic
def schedule_campaign(*, actor: Actor, campaign: Campaign, send_at: datetime | None = None) -> Campaign:
    """Send at ``send_at`` (aware; None: now). The audience is taken when sending starts."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status not in OPEN:
        raise ServiceValidationError(
            {"status": _("The campaign is %(status)s.") % {"status": campaign.get_status_display().lower()}}
        )
    errors = _ready_errors(campaign) | _persuadable_ready(campaign)
    if send_at is not None and timezone.is_naive(send_at):
        errors["send_at"] = _("A send time needs its time zone.")
    if errors:
        raise ServiceValidationError(errors)
    campaign.send_at = send_at or timezone.now()
    campaign.status = CampaignStatus.SCHEDULED
    campaign.save(update_fields=["send_at", "status"])
    audit.record(actor, AuditAction.START, campaign, changes={"send_at": campaign.send_at.isoformat()})
    if campaign.send_at <= timezone.now():
        _start(campaign)
    return campaign


def _persuadable_ready(campaign: Campaign) -> dict[str, str]:
    if campaign.persuadable_share and not targeting.has_scores():
        return {
            "persuadable_share": _(
                "No persuadability scores yet: the uplift model trains once finished "
                "campaigns hold enough buyers in both groups (see the campaigns page). Clear this option to "
                "send to the whole audience."
            )
        }
    return {}


def _start(campaign: Campaign) -> None:
    """Write the audience as CampaignSend rows (control rows held out), then hand over the send."""
    ids = campaign_audience(campaign).order_by("pk").values_list("pk", flat=True)
    chunk: list[int] = []
    for customer_id in ids.iterator(chunk_size=CHUNK):
        chunk.append(customer_id)
        if len(chunk) == CHUNK:
            _add_rows(campaign, chunk)
            chunk = []
    _add_rows(campaign, chunk)
    campaign.status = CampaignStatus.SENDING
    campaign.started_at = timezone.now()
    campaign.save(update_fields=["status", "started_at"])
    jobs.send_campaign.on_commit(campaign.pk)


def _add_rows(campaign: Campaign, customer_ids: list[int]) -> None:
    if not customer_ids:
        return
    control = in_control(customer_ids, campaign.key, campaign.control_share)
    features = targeting.snapshot(customer_ids)
    CampaignSend.objects.bulk_create(
        [
            CampaignSend(
                campaign=campaign,
                customer_id=cid,
                in_control=bool(held),
                status=SendStatus.HELD_OUT if held else SendStatus.PENDING,
                features=features.get(cid, {}),
            )
            for cid, held in zip(customer_ids, control, strict=True)
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )


@transaction.atomic
def start_due_campaigns(now: datetime | None = None) -> list[int]:
    """Start every scheduled campaign whose time has come (beat, each minute)."""
    due = Campaign.objects.select_for_update(skip_locked=True).filter(
        status=CampaignStatus.SCHEDULED, send_at__lte=now or timezone.now()
    )
    started = []
    for campaign in due:
        _start(campaign)
        started.append(campaign.pk)
    return started


@transaction.atomic
def cancel_campaign(*, actor: Actor, campaign: Campaign) -> Campaign:
    """Stop: nothing more is sent (a message already handed to the server is not recalled)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status in (CampaignStatus.SENT, CampaignStatus.CANCELLED):
        raise ServiceValidationError(
            {
                "status": _("The campaign is already %(status)s.")
                % {"status": campaign.get_status_display().lower()}
            }
        )
    campaign.status = CampaignStatus.CANCELLED
    campaign.finished_at = timezone.now()
    campaign.save(update_fields=["status", "finished_at"])
    campaign.sends.filter(status=SendStatus.PENDING).update(status=SendStatus.REMOVED)
    audit.record(actor, AuditAction.CANCEL, campaign)
    return campaign


@transaction.atomic
def add_to_campaign(*, actor: Actor, campaign_id: int, customer_id: int) -> CampaignSend:
    """Add one customer (a workflow's action). Once per customer and campaign: a second call
    returns the first row. A campaign that is sending sends to them at once; the holdout
    applies, and consent and suppression are checked when it is sent."""
    campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFoundError(f"No campaign {campaign_id}.")
    if not Customer.objects.filter(pk=customer_id).exists():
        raise NotFoundError(f"No customer {customer_id}.")
    if campaign.status in (CampaignStatus.SENT, CampaignStatus.CANCELLED):
        raise ServiceValidationError(
            {
                "campaign": _("The campaign is %(status)s; nobody can join it.")
                % {"status": campaign.get_status_display().lower()}
            }
        )
    existing = CampaignSend.objects.filter(campaign=campaign, customer_id=customer_id).first()
    if existing is not None and existing.status != SendStatus.REMOVED:
        return existing
    held = bool(in_control([customer_id], campaign.key, campaign.control_share)[0])
    status = SendStatus.HELD_OUT if held else SendStatus.PENDING
    send, _created = CampaignSend.objects.update_or_create(
        campaign=campaign,
        customer_id=customer_id,
        defaults={
            "in_control": held,
            "status": status,
            "features": targeting.snapshot([customer_id]).get(customer_id, {}),
        },
    )
    audit.record(actor, AuditAction.UPDATE, campaign, changes={"added_customer": customer_id})
    if campaign.status == CampaignStatus.SENDING and not held:
        jobs.send_campaign.on_commit(campaign.pk)
    return send


@transaction.atomic
def remove_from_campaign(*, actor: Actor, campaign_id: int, customer_id: int) -> bool:
    """Take a customer out before their email is sent; False when there was nothing to remove
    (not a member, or already sent)."""
    removed = CampaignSend.objects.filter(
        campaign_id=campaign_id, customer_id=customer_id, status__in=[SendStatus.PENDING, SendStatus.HELD_OUT]
    ).update(status=SendStatus.REMOVED)
    if removed:
        audit.record(
            actor,
            AuditAction.UPDATE,
            object_type="campaigns.campaign",
            object_id=str(campaign_id),
            changes={"removed_customer": customer_id},
        )
    return bool(removed)


def suppress(
    *, email: str = "", email_hash: str = "", reason: str, source: str = "", campaign_id: int | None = None
) -> bool:
    """Put an address on the suppression list (by its lookup hash); True if it was not there."""
    key = email_hash or (hash_for_lookup(normalise_email(email)) if email.strip() else "")
    if not key:
        return False
    _suppression, created = Suppression.objects.get_or_create(
        email_hash=key, defaults={"reason": reason, "source": source[:100], "campaign_id": campaign_id}
    )
    return created


@transaction.atomic
def unsubscribe(token: str, *, source: str = "one-click") -> bool:
    """The recipient of one campaign email leaves all campaign email: consent withdrawn, the
    address suppressed, a timeline entry. False for a token that is not ours."""
    send_id = send_of(token)
    send = (
        CampaignSend.objects.select_related("customer", "campaign").filter(pk=send_id).first()
        if send_id is not None
        else None
    )
    if send is None:
        return False
    customer = send.customer
    first = suppress(
        email_hash=customer.email_hash,
        reason=SuppressionReason.UNSUBSCRIBED,
        source=source,
        campaign_id=send.campaign_id,
    )
    set_consent(
        actor=f"unsubscribe:{source}",
        customer=customer,
        channel=Channel.EMAIL,
        status=ConsentStatus.WITHDRAWN,
        source=f"unsubscribe from campaign {send.campaign_id}",
        via=ConsentSource.UNSUBSCRIBE_LINK,
    )
    if first:
        log_activity(
            customer=customer,
            kind=ActivityKind.EMAIL,
            summary=f"Unsubscribed from campaign email ({send.campaign.name})",
            actor=f"unsubscribe:{source}",
            obj=send,
        )
    return True
