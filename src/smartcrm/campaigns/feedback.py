"""What comes back from campaign mail: bounces (RFC 3464 delivery status notifications),
complaints (RFC 5965 ARF reports, from mailbox providers' feedback loops), unsubscribe mail
to the ``mailto:`` of List-Unsubscribe, and the same as a simple webhook from an email service.

A hard bounce (status 5.x.x) and a complaint put the address on the suppression list; a
complaint also withdraws the customer's email consent. Soft bounces (4.x.x) change nothing.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from email.message import EmailMessage, Message

from django.db import transaction

from smartcrm.activities.models import ActivityKind
from smartcrm.activities.services import log_activity
from smartcrm.core.pii import hash_for_lookup, normalise_email
from smartcrm.customers.models import Channel, ConsentSource, ConsentStatus, Customer
from smartcrm.customers.services import set_consent

from .models import CampaignSend, SuppressionReason
from .services import suppress, unsubscribe

OUR_MESSAGE_ID = re.compile(r"<smartcrm\.c(\d{1,12})\.s(\d{1,12})@")
UNSUBSCRIBE_SUBJECT = re.compile(r"unsubscribe\s+(\S+)", re.IGNORECASE)
EVENTS = ("bounce", "complaint", "unsubscribe")


@dataclass(frozen=True)
class Outcome:
    kind: str  # bounce, soft_bounce, complaint, unsubscribe, ignored
    suppressed: int = 0


def _blocks(part: Message) -> list[Message]:
    """The header blocks of a message/delivery-status or message/feedback-report part."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, Message)]
    if isinstance(payload, str):
        text = payload
    else:
        decoded = part.get_payload(decode=True)
        text = decoded.decode("utf-8", "replace") if isinstance(decoded, bytes) else ""
    return [email.message_from_string(block) for block in re.split(r"\r?\n\r?\n", text) if block.strip()]


def _address(value: str | None) -> str:
    """``rfc822; ann@example.com`` → ``ann@example.com``."""
    return (value or "").rpartition(";")[2].strip().strip("<>")


def _send_of(parsed: Message) -> int | None:
    for part in parsed.walk():
        for header in ("Message-ID", "References", "In-Reply-To"):
            found = OUR_MESSAGE_ID.search(str(part.get(header, "")))
            if found:
                return int(found.group(2))
    return None


def _suppress_address(address: str, reason: str, source: str, send_id: int | None) -> int:
    campaign_id = (
        CampaignSend.objects.filter(pk=send_id).values_list("campaign_id", flat=True).first()
        if send_id
        else None
    )
    return int(suppress(email=address, reason=reason, source=source, campaign_id=campaign_id))


def _complain(address: str, source: str, send_id: int | None) -> int:
    created = _suppress_address(address, SuppressionReason.COMPLAINED, source, send_id)
    digest = hash_for_lookup(normalise_email(address))
    for customer in Customer.objects.filter(email_hash=digest):
        set_consent(
            actor=f"feedback:{source}",
            customer=customer,
            channel=Channel.EMAIL,
            status=ConsentStatus.WITHDRAWN,
            source="spam complaint",
            via=ConsentSource.EMAIL_FEEDBACK,
        )
        log_activity(
            customer=customer,
            kind=ActivityKind.EMAIL,
            summary="Marked a campaign email as spam: no more campaign email",
            actor=f"feedback:{source}",
        )
    return created


@transaction.atomic
def receive_report(raw: bytes) -> Outcome:
    """A DSN, an ARF report or an unsubscribe mail, as the mail server pipes it."""
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    report_type = str(parsed.get_param("report-type", "", header="content-type") or "").lower()
    send_id = _send_of(parsed)
    if parsed.get_content_type() == "multipart/report" and report_type == "delivery-status":
        suppressed, soft = 0, False
        for part in parsed.walk():
            if part.get_content_type() != "message/delivery-status":
                continue
            for block in _blocks(part)[1:]:  # the first block is about the reporting server
                address = _address(block.get("Final-Recipient") or block.get("Original-Recipient"))
                action = str(block.get("Action", "")).strip().lower()
                status = str(block.get("Status", "")).strip()
                if address and action == "failed" and status.startswith("5"):
                    suppressed += _suppress_address(address, SuppressionReason.BOUNCED, "dsn", send_id)
                elif address:
                    soft = True
        return Outcome("bounce" if suppressed or not soft else "soft_bounce", suppressed)
    if parsed.get_content_type() == "multipart/report" and report_type == "feedback-report":
        suppressed = 0
        for part in parsed.walk():
            if part.get_content_type() != "message/feedback-report":
                continue
            for block in _blocks(part):
                address = _address(block.get("Original-Rcpt-To"))
                if address and str(block.get("Feedback-Type", "abuse")).strip().lower() == "abuse":
                    suppressed += _complain(address, "arf", send_id)
        return Outcome("complaint", suppressed)
    found = UNSUBSCRIBE_SUBJECT.search(str(parsed.get("Subject", "")))
    if found and unsubscribe(found.group(1), source="mailto"):
        return Outcome("unsubscribe", 1)
    return Outcome("ignored")


@transaction.atomic
def receive_event(event: str, address: str, *, source: str = "webhook") -> Outcome:
    """A bounce, complaint or unsubscribe reported by an email service's webhook."""
    if event == "bounce":
        return Outcome(
            "bounce", int(suppress(email=address, reason=SuppressionReason.BOUNCED, source=source))
        )
    if event == "complaint":
        return Outcome("complaint", _complain(address, source, None))
    if event == "unsubscribe":
        return Outcome(
            "unsubscribe", int(suppress(email=address, reason=SuppressionReason.UNSUBSCRIBED, source=source))
        )
    return Outcome("ignored")
