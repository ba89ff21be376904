"""Two-factor login with real TOTP codes computed here, recovery codes, and the shop's
"admins need two-factor" rule."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from django.test import Client
from django.utils import timezone

from smartcrm.accounts import twofactor
from smartcrm.accounts.models import RecoveryCode, SecuritySettings, TotpDevice, User
from smartcrm.accounts.roles import Role
from smartcrm.core.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Secret-123"


def _enrol(client: Client) -> tuple[str, list[str]]:
    """Enrol the client's user through the pages; the key and the recovery codes shown."""
    page = client.get("/account/two-factor/").content.decode()
    key = re.search(r'<code id="totp-key">([A-Z2-7]+)</code>', page)
    assert key is not None and 'src="data:image/svg+xml' in page
    done = client.post("/account/two-factor/", {"code": pyotp.TOTP(key.group(1)).now()})
    codes = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", done.content.decode())
    return key.group(1), codes


def _password_step(username: str) -> Client:
    client = Client()
    response = client.post("/login/?next=/customers/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/login/code/"
    assert "_auth_user_id" not in client.session
    return client


def test_enrol_then_log_in_with_a_code(make_user: Any) -> None:
    user: User = make_user(Role.SUPPORT, username="sue")
    client = Client()
    client.force_login(user)
    key, codes = _enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TotpDevice.objects.get(user=user).confirmed_at is not None
    stored = list(RecoveryCode.objects.filter(user=user).values_list("code_hash", flat=True))
    assert not set(codes) & set(stored)
    assert AuditEvent.objects.filter(action="enable_two_factor", object_id=str(user.pk)).exists()

    client = _password_step("sue")
    wrong = client.post("/login/code/", {"code": "000000"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    # The code the enrolment used is spent: the next time step's code logs in.
    totp = pyotp.TOTP(key)
    response = client.post("/login/code/", {"code": totp.at(timezone.now() + timedelta(seconds=30))})
    assert response.status_code == 302 and response["Location"] == "/customers/"
    assert client.get("/customers/").status_code == 200
    assert AuditEvent.objects.filter(action="login", changes__method="totp").count() == 1


def test_a_code_works_once_and_recovery_codes_work_once(make_user: Any) -> None:
    user: User = make_user(Role.SUPPORT, username="sue")
    client = Client()
    client.force_login(user)
    key, codes = _enrol(client)
    later = pyotp.TOTP(key).at(timezone.now() + timedelta(seconds=30))

    first = _password_step("sue")
    assert first.post("/login/code/", {"code": later}).status_code == 302
    replay = _password_step("sue")
    assert replay.post("/login/code/", {"code": later}).status_code == 200  # replayed: refused

    assert _password_step("sue").post("/login/code/", {"code": codes[0].upper()}).status_code == 302
    assert _password_step("sue").post("/login/code/", {"code": codes[0]}).status_code == 200
    assert twofactor.remaining_recovery_codes(user) == 9
    assert AuditEvent.objects.filter(action="use_recovery_code").count() == 1


def test_guessing_codes_locks_the_account(make_user: Any) -> None:
    user: User = make_user(Role.SUPPORT, username="sue")
    client = Client()
    client.force_login(user)
    key, _ = _enrol(client)
    client = _password_step("sue")
    answers = [client.post("/login/code/", {"code": f"{i:06d}"}).status_code for i in range(10)]
    assert answers[-1] == 429
    right = pyotp.TOTP(key).at(timezone.now() + timedelta(seconds=30))
    assert client.post("/login/code/", {"code": right}).status_code == 429
    assert "_auth_user_id" not in client.session


def test_turning_it_off_needs_a_current_code(make_user: Any) -> None:
    user: User = make_user(Role.SUPPORT, username="sue")
    client = Client()
    client.force_login(user)
    key, _ = _enrol(client)
    client.post("/account/two-factor/disable/", {"code": "123456"})
    assert twofactor.is_enrolled(user)
    client.post(
        "/account/two-factor/disable/", {"code": pyotp.TOTP(key).at(timezone.now() + timedelta(seconds=30))}
    )
    assert not twofactor.is_enrolled(user)
    assert AuditEvent.objects.filter(action="disable_two_factor").count() == 1


def test_admins_without_two_factor_are_sent_to_enrol_when_the_shop_requires_it(make_user: Any) -> None:
    admin: User = make_user(Role.ADMIN, username="ada")
    client = Client()
    client.force_login(admin)
    assert client.post("/account/security-settings/", {"require_admin_2fa": "on"}).status_code == 302
    assert SecuritySettings.current().require_admin_2fa
    assert client.get("/customers/")["Location"] == "/account/two-factor/"
    api = client.get("/api/v1/customers")
    assert api.status_code == 403 and api.json()["code"] == "two_factor_required"
    _enrol(client)
    assert client.get("/customers/").status_code == 200

    # Other roles are not held up.
    sales = Client()
    sales.force_login(make_user(Role.SALES, username="sam"))
    assert sales.get("/customers/").status_code == 200


def test_an_admin_turns_off_the_two_factor_of_someone_who_lost_their_phone(make_user: Any) -> None:
    user: User = make_user(Role.SUPPORT, username="sue")
    client = Client()
    client.force_login(user)
    _enrol(client)
    admin = Client()
    admin_user = make_user(Role.ADMIN, username="ada")
    admin.force_login(admin_user)
    listing = admin.get("/admin/accounts/user/").content.decode()
    assert "icon-yes.svg" in listing  # sue's two-factor column
    admin.post("/admin/accounts/user/", {"action": "turn_off_two_factor", "_selected_action": [user.pk]})
    assert not twofactor.is_enrolled(user)
    assert AuditEvent.objects.get(action="disable_two_factor").actor == admin_user
