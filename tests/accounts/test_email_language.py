"""The password reset email is written in the account holder's language (their profile),
whichever browser asked for it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from smartcrm.accounts.models import User
from smartcrm.accounts.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "subject", "lines"),
    [
        (
            "zh-hans",
            "重置您的 smartcrm 密码",
            ["有人请求重置 smartcrm 账户 li 的密码。", "如果不是您本人操作"],
        ),
        (
            "en",
            "Reset your smartcrm password",
            ["Someone asked to reset the smartcrm password of the account li."],
        ),
        ("", "Reset your smartcrm password", ["If it was not you, ignore this email"]),
    ],
)
def test_the_reset_email_is_in_the_account_holders_language(
    make_user: Any, django_capture_on_commit_callbacks: Any, language: str, subject: str, lines: list[str]
) -> None:
    user: User = make_user(Role.SUPPORT, username="li")
    User.objects.filter(pk=user.pk).update(email="li@shop.example", language=language)
    with django_capture_on_commit_callbacks(execute=True):
        # Asked from an English browser: the mail still follows the account's own choice.
        Client(HTTP_ACCEPT_LANGUAGE="en").post("/password-reset/", {"email": "li@shop.example"})
    (sent,) = mail.outbox
    assert sent.subject == subject
    assert all(line in sent.body for line in lines), sent.body
    assert "/password-reset/" in sent.body
