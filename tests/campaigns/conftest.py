"""A real SMTP server (aiosmtpd on an ephemeral port) for campaign mail, and customers who may or
may not be mailed."""

from __future__ import annotations

import email
import email.policy
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from django.utils import timezone

from smartcrm.customers.models import Channel, Consent, ConsentStatus, Customer
from tests.factories import CustomerFactory
from tests.ports import free_port

SHOP = "news@shop.example"


class Inbox:
    """What the SMTP server accepted: each mail parsed, with its envelope recipients."""

    def __init__(self) -> None:
        self.mails: list[EmailMessage] = []
        self.recipients: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.mails.append(parsed)
            self.recipients.extend(envelope.rcpt_tos)
        return "250 OK"


class FinishingSMTP(SMTP):
    """aiosmtpd, except that a message whose final "." arrived before the client hung up is
    still taken. aiosmtpd cancels its session at the client's EOF even with the end of a
    message unread in its buffer; Postfix and other MTAs queue it ("lost connection after
    END-OF-MESSAGE"), and a killed sender can hang up exactly there."""

    def eof_received(self) -> bool | None:
        return False  # let the transport close; the session reads what is buffered first

    def connection_lost(self, error: Exception | None) -> None:
        if self._timeout_handle is not None:
            self._timeout_handle.cancel()
        self._reader.feed_eof()  # the session ends after reading what is buffered
        self.transport = None


class FinishingController(Controller):
    def factory(self) -> SMTP:
        return FinishingSMTP(self.handler, **self.SMTP_kwargs)


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = FinishingController(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", controller.port, 5
    settings.SMARTCRM_CAMPAIGN_FROM_EMAIL = f"Shop <{SHOP}>"
    settings.SMARTCRM_PUBLIC_URL = "https://crm.shop.example"
    settings.SMARTCRM_UNSUBSCRIBE_EMAIL = "unsubscribe@shop.example"
    inbox.port = controller.port  # type: ignore[attr-defined]
    yield inbox
    controller.stop()


def customer(*, consent: str | None = ConsentStatus.GRANTED, **fields: Any) -> Customer:
    made: Customer = CustomerFactory(**fields)
    if consent is not None:
        Consent.objects.create(
            customer=made, channel=Channel.EMAIL, status=consent, updated_at=timezone.now()
        )
    return made
