"""Two-factor authentication with an authenticator app (TOTP, RFC 6238) and recovery codes.

The secret is kept encrypted like contact details; a code is accepted once (the device keeps the
last time step used) and within one step of the clock either side. Recovery codes are shown
once and stored as keyed hashes; each works once.
"""

from __future__ import annotations

import secrets

import pyotp
import segno
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from smartcrm.accounts.models import RecoveryCode, SecuritySettings, TotpDevice, User
from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.models import AuditAction

ISSUER = "smartcrm"
RECOVERY_CODES = 10
VALID_WINDOW = 1  # steps of 30 s either side, for a phone whose clock drifts


def is_enrolled(user: User) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def missing_for_admin(user: User) -> bool:
    """True when the shop requires two-factor for admins and this admin has not set it up: their
    API tokens are refused until they do (a token must not be a way round the rule)."""
    if not user.is_admin_role:
        return False
    if not SecuritySettings.objects.filter(pk=1, require_admin_2fa=True).exists():
        return False
    return not is_enrolled(user)


@transaction.atomic
def start_enrolment(user: User) -> TotpDevice:
    """A new unconfirmed secret (replacing an unfinished one); an enrolled user must disable first."""
    device = TotpDevice.objects.filter(user=user).first()
    if device is not None and device.confirmed_at is not None:
        raise ValueError("two-factor authentication is already on")
    if device is None:
        return TotpDevice.objects.create(user=user, secret=pyotp.random_base32())
    return device


def provisioning_uri(device: TotpDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.get_username(), issuer_name=ISSUER)


def qr_svg_data_uri(device: TotpDevice) -> str:
    """The enrolment QR code as an SVG data URI, drawn on the server (no third party sees it)."""
    return str(segno.make(provisioning_uri(device), error="m").svg_data_uri(scale=5, border=2))


def _accept_code(device: TotpDevice, code: str) -> bool:
    """True for a current code not used before; records its time step."""
    digits = "".join(code.split())
    if len(digits) != 6 or not digits.isdigit():
        return False
    totp = pyotp.TOTP(device.secret)
    now = timezone.now()
    step_now = totp.timecode(now)
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        step = step_now + offset
        if step > device.last_step and constant_time_compare(totp.generate_otp(step), digits):
            TotpDevice.objects.filter(pk=device.pk).update(last_step=step)
            device.last_step = step
            return True
    return False


@transaction.atomic
def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Switch two-factor on once the app's first code checks out; returns the recovery codes to
    show once, or None for a wrong code."""
    device = TotpDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=True).first()
    if device is None or not _accept_code(device, code):
        return None
    device.confirmed_at = timezone.now()
    device.save(update_fields=["confirmed_at"])
    audit.record(user, AuditAction.ENABLE_TWO_FACTOR, user)
    return _new_recovery_codes(user)


@transaction.atomic
def verify(user: User, code: str) -> str | None:
    """The login's second step: ``"totp"`` or ``"recovery_code"`` for what was accepted, else None."""
    device = TotpDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        return None
    if _accept_code(device, code):
        return "totp"
    wanted = _hash(user, code)
    for recovery in RecoveryCode.objects.select_for_update().filter(user=user, used_at__isnull=True):
        if constant_time_compare(recovery.code_hash, wanted):
            recovery.used_at = timezone.now()
            recovery.save(update_fields=["used_at"])
            audit.record(user, AuditAction.USE_RECOVERY_CODE, user)
            return "recovery_code"
    return None


@transaction.atomic
def disable(user: User, *, actor: Actor) -> None:
    """Two-factor off (by the user, or by an admin for a user who lost their phone)."""
    deleted, _ = TotpDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    if deleted:
        audit.record(actor, AuditAction.DISABLE_TWO_FACTOR, user)


@transaction.atomic
def regenerate_recovery_codes(user: User) -> list[str]:
    if not is_enrolled(user):
        raise ValueError("two-factor authentication is off")
    codes = _new_recovery_codes(user)
    audit.record(user, AuditAction.NEW_RECOVERY_CODES, user)
    return codes


def remaining_recovery_codes(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=_hash(user, c)) for c in codes])
    return codes


def _hash(user: User, code: str) -> str:
    # Keyed with SECRET_KEY: a copy of the database alone does not let anyone try codes offline.
    normalised = "".join(code.split()).lower()
    return salted_hmac(
        "smartcrm.accounts.recovery", f"{user.pk}:{normalised}", algorithm="sha256"
    ).hexdigest()
