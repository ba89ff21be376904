"""Sending a campaign's emails, each exactly once, even when a worker is killed mid-campaign.

Every recipient has a CampaignSend row before anything is sent. A worker takes the rows in
order:

1. **claim** it (in small batches): ``pending`` → ``sending`` with the worker's token, by a
   conditional UPDATE, committed (two workers cannot both win a row; a row left ``sending`` by
   a dead worker is taken again after ``SMARTCRM_CAMPAIGN_CLAIM_SECONDS``);
2. check consent, the suppression list and the address **now**, just before sending (not when
   the campaign was planned);
3. speak SMTP through Django's backend up to the whole message body, *without* the final
   ``.`` line, so the server has not accepted anything yet;
4. mark the row ``sent`` and write the timeline entry, committed;
5. send the ``.`` line and read the server's answer.

A worker killed before step 4 leaves an unfinished SMTP transaction, which the server throws
away when the connection drops; the row is still ``sending`` and is sent again: nothing is lost.
A worker killed after step 4 has already committed ``sent``, and the server takes the message
from the bytes the kernel flushes: nothing is sent twice. What SMTP cannot tell (the "two
generals" at the server's 250) is confined to a kill *during* step 4's commit round trip (made
short: on PostgreSQL the mark does not wait for the WAL flush): the row is ``sent`` but the ``.``
never left, so that one message is lost; never duplicated. A refusal at
step 5 turns the row to ``failed``.
"""

from __future__ import annotations

import logging
import smtplib
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from smartcrm.activities.models import ActivityKind
from smartcrm.activities.services import log_activity
from smartcrm.core import heartbeat
from smartcrm.core.smtp import ClaimLost, OnceSender, Refused, commit_without_flush_wait
from smartcrm.customers.models import Channel, Consent, ConsentStatus

from .mail import build, language_of
from .models import Campaign, CampaignSend, CampaignStatus, SendStatus, Suppression, SuppressionReason
from .services import suppress

logger = logging.getLogger(__name__)
BATCH = 200
# Rows claimed at once: a killed worker's claims wait SMARTCRM_CAMPAIGN_CLAIM_SECONDS.
CLAIM = 20
HARD_BOUNCE = (550, 551, 553)


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


def _claim(campaign_id: int, ids: list[int]) -> list[CampaignSend]:
    """Claim these rows for this worker (those another worker took meanwhile are not returned)."""
    token = uuid.uuid4().hex
    CampaignSend.objects.filter(_claimable(campaign_id), pk__in=ids).update(
        status=SendStatus.SENDING, claimed_at=timezone.now(), claim=token
    )
    return list(CampaignSend.objects.select_related("customer").filter(claim=token).order_by("pk"))


def _set(send: CampaignSend, status: str, error: str = "") -> None:
    CampaignSend.objects.filter(pk=send.pk).update(status=status, error=error[:200])


def _blocked(sends: list[CampaignSend]) -> dict[int, str]:
    """Why each of these customers may not be mailed now (send id → status); absent: may be."""
    customers = {s.customer_id: s.customer for s in sends}
    granted = set(
        Consent.objects.filter(
            customer_id__in=customers, channel=Channel.EMAIL, status=ConsentStatus.GRANTED
        ).values_list("customer_id", flat=True)
    )
    hashes = {c.email_hash for c in customers.values() if c.email_hash}
    suppressed = set(Suppression.objects.filter(email_hash__in=hashes).values_list("email_hash", flat=True))
    blocked: dict[int, str] = {}
    for send in sends:
        customer = send.customer
        if not customer.email or not customer.email_hash:
            blocked[send.pk] = SendStatus.NO_EMAIL
        elif customer.pk not in granted:
            blocked[send.pk] = SendStatus.NO_CONSENT
        elif customer.email_hash in suppressed:
            blocked[send.pk] = SendStatus.SUPPRESSED
    return blocked


def send_pending(campaign_id: int) -> Report:
    """Send the campaign's pending (and abandoned) rows, throttled; finish the campaign when
    none is left. Safe to run twice at once and to run again after a crash (the stale-run
    sweeper sends the job again when this worker stops beating: recovery.py)."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or campaign.status != CampaignStatus.SENDING:
        return Report()
    with heartbeat.beating(Campaign, campaign_id):
        return _send_pending(campaign)


def _send_pending(campaign: Campaign) -> Report:
    report = Report()
    campaign_id = campaign.pk
    interval = 60.0 / max(1, campaign.sends_per_minute)
    sender: OnceSender | None = None
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
            for at in range(0, len(ids), CLAIM):
                last_id = ids[min(at + CLAIM, len(ids)) - 1]
                claimed = _claim(campaign_id, ids[at : at + CLAIM])
                blocked = _blocked(claimed)  # consent and suppression as of now, just before sending
                for send in claimed:
                    if send.pk in blocked:
                        _set(send, blocked[send.pk])
                        report.skip(blocked[send.pk])
                        continue
                    delay = next_at - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                    next_at = max(next_at, time.monotonic() - interval) + interval
                    sender = sender or OnceSender()
                    sender = _send_one(campaign, send, sender, report)
    finally:
        if sender is not None:
            sender.close()
    _finish_if_done(campaign_id)
    return report


def _send_one(campaign: Campaign, send: CampaignSend, sender: OnceSender, report: Report) -> OnceSender:
    customer = send.customer
    language = language_of(customer.language, campaign)
    mail = build(campaign, send_id=send.pk, customer=customer, recipient=customer.email, language=language)
    raw = mail.message().as_bytes(linesep="\r\n")
    envelope_from = parseaddr(mail.from_email)[1]

    def commit() -> bool:
        with commit_without_flush_wait():  # a killed worker's window: this commit's round trip
            mine = CampaignSend.objects.filter(
                pk=send.pk, status=SendStatus.SENDING, claim=send.claim
            ).update(status=SendStatus.SENT, sent_at=timezone.now(), language=language, error="")
            if not mine:
                return False
            log_activity(
                customer=customer,
                kind=ActivityKind.EMAIL,
                summary=f"Campaign email sent: {campaign.name}",
                actor=f"campaign:{campaign.pk}",
                obj=send,
            )
        return True

    try:
        sender.send(envelope_from, customer.email, raw, commit)
    except ClaimLost:
        logger.warning("campaign %s: a claim expired mid-send; the other worker sends it", campaign.pk)
        sender.close()
        return OnceSender()
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
