"""Password reset by email and change, the password rules, and how sessions end."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from smartcrm.accounts.models import ApiToken, User
from smartcrm.accounts.roles import Role
from smartcrm.accounts.services import create_api_token
from smartcrm.accounts.sessions import LAST_SEEN, STARTED
from smartcrm.core.models import AuditEvent
from smartcrm.imports.models import ImportRun, ImportStatus

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Secret-123"
NEW_PASSWORD = "Tulip-harbour-77"


def _log_in(username: str, password: str = PASSWORD) -> Client:
    client = Client()
    assert client.post("/login/", {"username": username, "password": password}).status_code == 302
    return client


def test_a_reset_link_works_once_and_unknown_addresses_look_the_same(
    make_user: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SMARTCRM_PUBLIC_URL = "https://crm.shop.example"
    user: User = make_user(Role.MARKETING, username="mia")
    User.objects.filter(pk=user.pk).update(email="mia@shop.example")
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post("/password-reset/", {"email": "nobody@shop.example"})
        known = client.post("/password-reset/", {"email": "MIA@shop.example"}, HTTP_HOST="localhost")
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["mia@shop.example"]
    link = re.search(r"https://crm\.shop\.example(/password-reset/\S+/\S+/)", mail.outbox[0].body)
    assert link is not None  # built on SMARTCRM_PUBLIC_URL, not the Host header

    form_page = client.get(link.group(1), follow=True)
    action = form_page.redirect_chain[-1][0]
    weak = client.post(action, {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200
    assert "too short" in weak.content.decode() and "entirely numeric" in weak.content.decode()
    done = client.post(action, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert AuditEvent.objects.filter(action="reset_password", object_id=str(user.pk)).exists()
    again = Client().get(link.group(1), follow=True)
    assert "This link does not work" in again.content.decode()
    _log_in("mia", NEW_PASSWORD)


@pytest.mark.parametrize("role", list(Role))
def test_every_role_changes_their_own_password(make_user: Any, role: Role) -> None:
    user: User = make_user(role, username=f"{role.value}-pw")
    other_device = _log_in(user.username)
    client = _log_in(user.username)
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200  # this session stays
    assert other_device.get("/account/").status_code == 302  # the other one ended
    assert AuditEvent.objects.filter(action="change_password", object_id=str(user.pk)).exists()


def test_log_out_everywhere_ends_sessions_and_revokes_tokens(make_user: Any) -> None:
    user: User = make_user(Role.SALES, username="sam")
    laptop, phone = _log_in("sam"), _log_in("sam")
    create_api_token(user=user, name="sync")
    assert laptop.post("/account/logout-everywhere/").status_code == 302
    assert phone.get("/customers/").status_code == 302
    assert laptop.get("/customers/").status_code == 302
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    event = AuditEvent.objects.get(action="logout_everywhere")
    assert event.changes == {"tokens_revoked": 1}
    _log_in("sam")  # logging in again works


def _age_session(client: Client, *, started: int, seen: int) -> None:
    session = client.session
    session[STARTED] = int(time.time()) - started
    session[LAST_SEEN] = int(time.time()) - seen
    session.save()


def test_idle_and_absolute_session_limits(make_user: Any, settings: Any) -> None:
    make_user(Role.SALES, username="sam")
    settings.SMARTCRM_SESSION_IDLE_MINUTES = 30
    settings.SESSION_COOKIE_AGE = 8 * 3600
    client = _log_in("sam")
    _age_session(client, started=3600, seen=29 * 60)
    assert client.get("/customers/").status_code == 200
    _age_session(client, started=3600, seen=31 * 60)
    assert client.get("/customers/").status_code == 302  # idle too long
    client = _log_in("sam")
    _age_session(client, started=8 * 3600 + 5, seen=10)
    assert client.get("/customers/").status_code == 302  # busy, but too old


def test_polling_does_not_keep_an_idle_session_alive(make_user: Any, settings: Any) -> None:
    """An import's progress bar polls every second (marked as background): that is not use.
    The user's own htmx request is; once idle too long, the poll sends the page to the login."""
    make_user(Role.ADMIN, username="ada")
    settings.SMARTCRM_SESSION_IDLE_MINUTES = 60
    run = ImportRun.objects.create(kind="customers", file_name="c.csv", status=ImportStatus.RUNNING)
    url = f"/imports/{run.pk}/"
    poll = {"HTTP_HX_REQUEST": "true", "HTTP_X_SMARTCRM_BACKGROUND": "poll"}
    client = _log_in("ada")
    _age_session(client, started=3600, seen=59 * 60)
    idle_since = client.session[LAST_SEEN]
    for _ in range(3):
        response = client.get(url, **poll)
        assert response.status_code == 200
        assert b"X-Smartcrm-Background" in response.content  # the swapped-in element polls on as such
    assert client.session[LAST_SEEN] == idle_since
    _age_session(client, started=3600, seen=61 * 60)
    response = client.get(url, **poll)
    assert (response.status_code, response.headers["HX-Redirect"]) == (204, "/login/")
    assert client.get("/customers/").status_code == 302  # logged out

    client = _log_in("ada")
    _age_session(client, started=3600, seen=59 * 60)
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200  # the user's own request
    assert client.session[LAST_SEEN] >= int(time.time()) - 5
    _age_session(client, started=3600, seen=2 * 60)
    assert client.get(url, **poll).status_code == 200


def test_guessing_the_old_password_counts_as_failed_logins(make_user: Any) -> None:
    make_user(Role.SALES, username="sam")
    client = _log_in("sam")
    for i in range(10):
        wrong = {"old_password": f"guess-{i}", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        assert client.post("/account/password/", wrong).status_code == 200
    assert AuditEvent.objects.filter(action="login_failed", changes__step="password_change").count() == 10
    assert Client().post("/login/", {"username": "sam", "password": PASSWORD}).status_code == 429
