"""The notification digest is written in each recipient's language (their profile)."""

from __future__ import annotations

from typing import Any

import pytest

from smartcrm.accounts.roles import Role
from smartcrm.collaboration import digest, services
from smartcrm.collaboration.models import NotificationKind
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_digest_is_in_each_recipients_language(smtp: Any) -> None:
    chinese = UserFactory(username="wang", email="wang@shop.example", role=Role.SUPPORT, language="zh-hans")
    english = UserFactory(username="amy", email="amy@shop.example", role=Role.SUPPORT, language="en")
    customer = CustomerFactory(name="张三")
    services.notify(recipients=[chinese, english], kind=NotificationKind.MENTION, target=customer, actor=None)
    assert digest.send_digests("daily").sent == 2
    by_recipient = {m["To"]: m for m in smtp.mails}
    assert "未读" in by_recipient["wang@shop.example"]["Subject"]
    assert "unread notifications" in by_recipient["amy@shop.example"]["Subject"]
