"""Login throttling: wrong passwords lock an account name or a client address, audited, and the
page says so in the same words whether or not the account exists."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from smartcrm.accounts import throttle
from smartcrm.accounts.models import LoginLockout, ThrottleKind, User
from smartcrm.accounts.roles import Role
from smartcrm.core.models import AuditEvent
from smartcrm.web.account_forms import LOCKED_MESSAGE

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Secret-123"


def _post(client: Client, username: str, password: str, ip: str = "198.51.100.7") -> Any:
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_thirty_wrong_passwords_lock_the_account_and_the_right_one_is_refused(make_user: Any) -> None:
    user: User = make_user(Role.SALES, username="sam")
    client = Client()
    answers = [_post(client, "sam", f"wrong-{i}").status_code for i in range(30)]
    assert answers[:9] == [200] * 9  # the form again, with its error
    assert set(answers[9:]) == {429}  # locked from the 10th failure on
    refused = _post(client, "sam", PASSWORD)
    assert refused.status_code == 429
    assert LOCKED_MESSAGE in refused.content.decode()
    assert "_auth_user_id" not in client.session

    failures = AuditEvent.objects.filter(action="login_failed", object_id=str(user.pk))
    assert failures.count() == 10  # once locked, passwords are not even checked
    assert all(PASSWORD not in str(e.changes) and "wrong-" not in str(e.changes) for e in failures)
    lockout = AuditEvent.objects.get(action="lockout", object_id=str(user.pk))
    assert lockout.changes["by"] == "account" and lockout.changes["minutes"] == 15


def test_the_lockout_ends_and_a_success_wipes_the_slate(make_user: Any) -> None:
    make_user(Role.SALES, username="sam")
    client = Client()
    for i in range(10):
        _post(client, "sam", f"wrong-{i}")
    LoginLockout.objects.filter(kind=ThrottleKind.ACCOUNT).update(until=timezone.now() - timedelta(seconds=1))
    assert _post(client, "sam", PASSWORD).status_code == 302
    assert not LoginLockout.objects.filter(kind=ThrottleKind.ACCOUNT).exists()
    assert AuditEvent.objects.filter(action="login").count() == 1


def test_each_lockout_in_a_row_is_twice_as_long(make_user: Any) -> None:
    make_user(Role.SALES, username="sam")
    client = Client()
    for i in range(10):
        _post(client, "sam", f"wrong-{i}")
    LoginLockout.objects.update(until=timezone.now() - timedelta(seconds=1))
    for i in range(10):
        _post(client, "sam", f"again-{i}")
    lock = LoginLockout.objects.get(kind=ThrottleKind.ACCOUNT)
    assert lock.level == 2
    assert timedelta(minutes=29) < lock.until - timezone.now() <= timedelta(minutes=30)


def test_an_unknown_name_is_answered_exactly_like_a_real_one(make_user: Any) -> None:
    make_user(Role.SALES, username="sam")
    pages = {}
    for name in ("sam", "nobody-at-all"):
        client = Client()
        answers = [_post(client, name, f"wrong-{i}") for i in range(11)]
        pages[name] = [(a.status_code, LOCKED_MESSAGE in a.content.decode()) for a in answers]
    assert pages["sam"] == pages["nobody-at-all"]


def test_one_address_trying_many_accounts_is_locked(make_user: Any, settings: Any) -> None:
    settings.SMARTCRM_LOGIN_IP_LIMIT = 12
    make_user(Role.SALES, username="sam")
    client = Client()
    for i in range(12):
        _post(client, f"user{i}", "guess-1234")  # 12 names, one failure each: no account lockout
    assert _post(client, "sam", PASSWORD).status_code == 429
    assert AuditEvent.objects.filter(action="lockout", changes__by="ip").count() == 1
    # Another address is not affected.
    assert _post(Client(), "sam", PASSWORD, ip="203.0.113.9").status_code == 302


def test_the_admin_login_is_ours(make_user: Any) -> None:
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/admin/"


@pytest.mark.django_db(transaction=True)
def test_failures_at_the_same_moment_lock_once_and_never_fail(is_postgres: bool) -> None:
    """Twelve processes refusing one name at once (threads with their own connections here)."""
    if not is_postgres:
        pytest.skip("SQLite serialises writers anyway")
    subject = throttle.Subject(username="sam", ip="198.51.100.7")
    start = threading.Barrier(12)
    errors: list[BaseException] = []

    def fail_once() -> None:
        try:
            start.wait()
            throttle.record_failure(subject, step="password")
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=fail_once) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert throttle.locked_until(subject) is not None
    assert AuditEvent.objects.filter(action="lockout", changes__by="account").count() == 1
    assert LoginLockout.objects.get(kind=ThrottleKind.ACCOUNT).level == 1
