"""The email digest: each user's unread notifications not mailed yet, in one email, on the
schedule they chose (every hour or every night; beat runs both), through the at-most-once SMTP
path (core/smtp.py): the notifications are recorded mailed before the server may accept the
message, so a digest is never sent twice, and a send that fails before that is tried again at
the next run. One user's failure never stops the others'.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from smartcrm.accounts.models import User
from smartcrm.collaboration import targets
from smartcrm.collaboration.models import DigestFrequency, Notification, NotificationSettings
from smartcrm.collaboration.wording import describe
from smartcrm.core.smtp import ClaimLost, OnceSender, Refused, commit_without_flush_wait

log = logging.getLogger(__name__)
MAX_PER_DIGEST = 50  # the newest fifty; the rest are in the notification centre


@dataclass
class DigestReport:
    sent: int = 0
    failed: int = 0


def _due(frequency: str) -> list[User]:
    """Users on this schedule with an email address and something unread not yet mailed."""
    chosen = NotificationSettings.objects.filter(user=OuterRef("pk"))
    on_schedule = Q(Exists(chosen.filter(digest=frequency)))
    if frequency == DigestFrequency.DAILY:  # the default, for users who never chose
        on_schedule |= ~Q(Exists(chosen))
    waiting = Notification.objects.filter(
        recipient=OuterRef("pk"), read_at__isnull=True, emailed_at__isnull=True
    )
    users = User.objects.filter(on_schedule, Exists(waiting), is_active=True).exclude(email="")
    return list(users.order_by("pk"))


def _message(user: User, rows: list[Notification]) -> EmailMessage:
    base = settings.SMARTCRM_PUBLIC_URL.rstrip("/")
    lines = [f"- {describe(n)}\n  {base}{targets.url(n.target_kind, n.target_id)}" for n in rows]
    intro = ngettext(
        "You have %(n)s unread notification:", "You have %(n)s unread notifications:", len(rows)
    ) % {"n": len(rows)}
    body = "\n".join([intro, "", *lines, "", _("All of them: %(url)s") % {"url": f"{base}/notifications/"}])
    subject = _("smartcrm: %(n)s unread notifications") % {"n": len(rows)}
    return EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email])


def send_digest(user: User, sender: OnceSender) -> bool:
    """One user's digest; False when there was nothing (left) to send."""
    rows = list(
        Notification.objects.filter(recipient=user, read_at__isnull=True, emailed_at__isnull=True)
        .select_related("actor")
        .order_by("-created_at", "-id")[:MAX_PER_DIGEST]
    )
    if not rows:
        return False
    ids = [n.pk for n in rows]

    def commit() -> bool:
        with commit_without_flush_wait():
            unsent = Notification.objects.filter(pk__in=ids, emailed_at__isnull=True)
            return unsent.update(emailed_at=timezone.now()) == len(ids)

    with translation.override(user.language or settings.LANGUAGE_CODE):  # the reader's language
        message = _message(user, rows)
    raw = message.message().as_bytes(linesep="\r\n")
    sender.send(parseaddr(message.from_email)[1], user.email, raw, commit)
    return True


def send_digests(frequency: str) -> DigestReport:
    report = DigestReport()
    users = _due(frequency)
    if not users:
        return report
    sender = OnceSender()
    try:
        for user in users:
            try:
                report.sent += send_digest(user, sender)
            except (ClaimLost, Refused, smtplib.SMTPException, OSError) as exc:
                report.failed += 1
                log.warning("digest for user %s not sent: %s", user.pk, type(exc).__name__)
                sender.close()
                sender = OnceSender()
    finally:
        sender.close()
    return report
