"""Sending a campaign's emails, each exactly once, even when a worker is killed mid-campaign.

Every recipient has a CampaignSend row before anything is sent. A worker takes one row at a
time:

1. **claim** it: ``pending`` → ``sending`` with a conditional UPDATE, committed (two workers
   cannot both win; a row left ``sending`` by a dead worker is taken again after
   ``SMARTCRM_CAMPAIGN_CLAIM_SECONDS``);
2. check consent, the suppression list and the address **now** (not when the campaign was
   planned);
3. speak SMTP through Django's backend up to the whole message body, *without* the final
   ``.`` line, so the server has not accepted anything yet;
4. mark the row ``sent`` and write the timeline entry, committed;
5. send the ``.`` line and read the server's answer.

A worker killed before step 4 leaves an unfinished SMTP transaction, which the server throws
away when the connection drops; the row is still ``sending`` and is sent again: nothing is lost.
A worker killed after step 4 has already committed ``sent``, and the server accepts the message
from the bytes the kernel flushes (only a kill in the microseconds between the commit and the
write of the five bytes ``\\r\\n.\\r\\n`` could lose one): nothing is sent twice. A refusal at
step 5 turns the row to ``failed``.
"""

from __future__ import annotations

import logging
import re
import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from smartcrm.activities.models import ActivityKind
from smartcrm.activities.services import log_activity
from smartcrm.customers.models import Channel, Consent, ConsentStatus

from .mail import build, language_of
from .models import Campaign, CampaignSend, CampaignStatus, SendStatus, Suppression, SuppressionReason
from .services import suppress

logger = logging.getLogger(__name__)
BATCH = 200
EOL = re.compile(rb"\r\n|\n|\r")
DOT = re.compile(rb"(?m)^\.")
HARD_BOUNCE = (550, 551, 553)


class Refused(Exception):
    def __init__(self, code: int, stage: str) -> None:
        super().__init__(f"{stage} refused with {code}")
        self.code, self.stage = code, stage


@dataclass
class Report:
    sent: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    failed: int = 0

    def skip(self, status: str) -> None:
        self.skipped[status] = self.skipped.get(status, 0) + 1


def _claimable(campaign_id: int) -> Q:
    stale = timezone.now() - timedelta(seconds=settings.SMARTCRM_CAMPAIGN_CLAIM_SECONDS)
    return Q(campaign_id=campaign_id) & (
        Q(status=SendStatus.PENDING) | Q(status=SendStatus.SENDING, claimed_at__lte=stale)
    )


def _claim(campaign_id: int, send_id: int) -> bool:
    return bool(
        CampaignSend.objects.filter(_claimable(campaign_id), pk=send_id).update(
            status=SendStatus.SENDING, claimed_at=timezone.now()
        )
    )


def _set(send: CampaignSend, status: str, error: str = "") -> None:
    CampaignSend.objects.filter(pk=send.pk).update(status=status, error=error[:200])


def _blocked(send: CampaignSend) -> str:
    """Why this customer may not be mailed now, or ""."""
    customer = send.customer
    if not customer.email or not customer.email_hash:
        return SendStatus.NO_EMAIL
    if not Consent.objects.filter(
        customer=customer, channel=Channel.EMAIL, status=ConsentStatus.GRANTED
    ).exists():
        return SendStatus.NO_CONSENT
    if Suppression.objects.filter(email_hash=customer.email_hash).exists():
        return SendStatus.SUPPRESSED
    return ""


def _wire(raw: bytes) -> bytes:
    data = DOT.sub(b"..", EOL.sub(b"\r\n", raw))
    return data if data.endswith(b"\r\n") else data + b"\r\n"


class Sender:
    """One SMTP connection (Django's backend: host, port, TLS and login from settings)."""

    def __init__(self) -> None:
        self.backend: EmailBackend = get_connection(backend="django.core.mail.backends.smtp.EmailBackend")
        self.backend.open()

    @property
    def smtp(self) -> smtplib.SMTP:
        assert self.backend.connection is not None
        return self.backend.connection

    def send(self, sender: str, recipient: str, raw: bytes, commit: Callable[[], None]) -> None:
        self.smtp.ehlo_or_helo_if_needed()
        code, _ = self.smtp.mail(sender)
        if code != 250:
            self.smtp.rset()
            raise Refused(code, "MAIL")
        code, _ = self.smtp.rcpt(recipient)
        if code not in (250, 251):
            self.smtp.rset()
            raise Refused(code, "RCPT")
        self.smtp.putcmd("data")
        code, _ = self.smtp.getreply()
        if code != 354:
            self.smtp.rset()
            raise Refused(code, "DATA")
        self.smtp.send(_wire(raw))
        commit()  # the row is "sent" before the server may accept the message
        self.smtp.send(b".\r\n")
        code, _ = self.smtp.getreply()
        if code != 250:
            raise Refused(code, "end of data")

    def close(self) -> None:
        self.backend.close()


def send_pending(campaign_id: int) -> Report:
    """Send the campaign's pending (and abandoned) rows, throttled; finish the campaign when
    none is left. Safe to run twice at once and to run again after a crash."""
    report = Report()
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or campaign.status != CampaignStatus.SENDING:
        return report
    interval = 60.0 / max(1, campaign.sends_per_minute)
    sender: Sender | None = None
    next_at = time.monotonic()
    last_id = 0
    try:
        while True:
            ids = list(
                CampaignSend.objects.filter(_claimable(campaign_id), pk__gt=last_id)
                .order_by("pk")
                .values_list("pk", flat=True)[:BATCH]
            )
            if not ids:
                break
            if not Campaign.objects.filter(pk=campaign_id, status=CampaignStatus.SENDING).exists():
                return report  # cancelled meanwhile
            for send_id in ids:
                last_id = send_id
                if not _claim(campaign_id, send_id):
                    continue
                send = CampaignSend.objects.select_related("customer").get(pk=send_id)
                blocked = _blocked(send)
                if blocked:
                    _set(send, blocked)
                    report.skip(blocked)
                    continue
                delay = next_at - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                next_at = max(next_at, time.monotonic() - interval) + interval
                sender = sender or Sender()
                sender = _send_one(campaign, send, sender, report)
    finally:
        if sender is not None:
            sender.close()
    _finish_if_done(campaign_id)
    return report


def _send_one(campaign: Campaign, send: CampaignSend, sender: Sender, report: Report) -> Sender:
    customer = send.customer
    language = language_of(customer.language, campaign)
    mail = build(campaign, send_id=send.pk, customer=customer, recipient=customer.email, language=language)
    raw = mail.message().as_bytes(linesep="\r\n")
    envelope_from = parseaddr(mail.from_email)[1]

    def commit() -> None:
        with transaction.atomic():
            CampaignSend.objects.filter(pk=send.pk).update(
                status=SendStatus.SENT, sent_at=timezone.now(), language=language, error=""
            )
            log_activity(
                customer=customer,
                kind=ActivityKind.EMAIL,
                summary=f"Campaign email sent: {campaign.name}",
                actor=f"campaign:{campaign.pk}",
                obj=send,
            )

    try:
        sender.send(envelope_from, customer.email, raw, commit)
    except Refused as exc:
        _set(send, SendStatus.FAILED, str(exc))
        report.failed += 1
        if exc.code in HARD_BOUNCE and exc.stage == "RCPT":
            suppress(email_hash=customer.email_hash, reason=SuppressionReason.BOUNCED, source="smtp")
        return sender
    except (smtplib.SMTPException, OSError) as exc:
        # The connection broke. Before the commit: the server has no message; the row goes back
        # to pending and is sent on a new connection. After it: the row stays sent.
        CampaignSend.objects.filter(pk=send.pk, status=SendStatus.SENDING).update(
            status=SendStatus.PENDING, error=f"SMTP: {type(exc).__name__}"
        )
        logger.warning("campaign %s: SMTP connection lost (%s)", campaign.pk, type(exc).__name__)
        sender.close()
        raise
    report.sent += 1
    return sender


def _finish_if_done(campaign_id: int) -> None:
    """A campaign with an audience is sent when no row waits; one without (its members added by
    workflows) stays open until cancelled."""
    campaign = Campaign.objects.get(pk=campaign_id)
    if not campaign.segment and not campaign.saved_filter:
        return
    left = CampaignSend.objects.filter(
        campaign_id=campaign_id, status__in=[SendStatus.PENDING, SendStatus.SENDING]
    ).exists()
    if not left:
        Campaign.objects.filter(pk=campaign_id, status=CampaignStatus.SENDING).update(
            status=CampaignStatus.SENT, finished_at=timezone.now()
        )
