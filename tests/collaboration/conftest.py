"""A real SMTP server (aiosmtpd on an ephemeral port, as the campaign tests use) for the digests,
and a small team set-up."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.campaigns.conftest import Inbox
from tests.ports import free_port


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", controller.port, 5
    settings.DEFAULT_FROM_EMAIL = "crm@shop.example"
    settings.SMARTCRM_PUBLIC_URL = "https://crm.shop.example"
    yield inbox
    controller.stop()
