"""Login throttling: too many refused passwords or codes lock an account name, or a client
address, for a while.

Failures and lockouts live in the database, so every web process sees the same counts. An
account name is throttled whether or not such an account exists, so the answer never tells
an attacker which names are real. Each lockout in a row lasts twice as long as the previous
one (capped); a successful login clears the account's failures and lockout level.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from smartcrm.accounts.models import LoginFailure, LoginLockout, ThrottleKind, User
from smartcrm.core import audit
from smartcrm.core.models import AuditAction

NEVER_LOCKED = datetime(2000, 1, 1, tzinfo=UTC)  # a name or address with failures, never locked
# A lockout older than this no longer makes the next one longer.
LEVEL_MEMORY = timedelta(days=1)
MAX_LOCKOUT = timedelta(days=1)


@dataclass(frozen=True)
class Subject:
    """Who is trying to log in: the username typed and the client's address."""

    username: str
    ip: str

    def keys(self) -> dict[ThrottleKind, str]:
        return {
            ThrottleKind.ACCOUNT: _key("account", self.username.strip().lower()),
            ThrottleKind.IP: _key("ip", self.ip),
        }


def _key(kind: str, value: str) -> str:
    return salted_hmac(f"smartcrm.accounts.throttle.{kind}", value, algorithm="sha256").hexdigest()


def _limits() -> dict[ThrottleKind, int]:
    return {
        ThrottleKind.ACCOUNT: int(settings.SMARTCRM_LOGIN_ACCOUNT_LIMIT),
        ThrottleKind.IP: int(settings.SMARTCRM_LOGIN_IP_LIMIT),
    }


def locked_until(subject: Subject) -> datetime | None:
    """When the later of the account's and the address's lockouts ends, or None if neither is on."""
    now = timezone.now()
    clauses = [
        LoginLockout.objects.filter(kind=kind, key=key, until__gt=now) for kind, key in subject.keys().items()
    ]
    ends = [lock.until for query in clauses for lock in query]
    return max(ends) if ends else None


@transaction.atomic
def record_failure(subject: Subject, *, step: str) -> datetime | None:
    """Count one refused password (``step="password"``) or code (``"code"``); audit it, and lock
    the account name or the address when it reaches its limit. Returns the lockout's end if on."""
    now = timezone.now()
    window = timedelta(minutes=int(settings.SMARTCRM_LOGIN_WINDOW_MINUTES))
    user = User.objects.filter(username__iexact=subject.username.strip()).first()
    audit.record(
        "anonymous",
        AuditAction.LOGIN_FAILED,
        user,
        object_type="accounts.user",
        changes={"step": step, "ip": subject.ip, "known_account": user is not None},
    )
    ends: list[datetime] = []
    for kind, key in subject.keys().items():
        LoginFailure.objects.create(kind=kind, key=key)
        # One row per name or address, locked while its failures are counted: two processes
        # refusing the same name at once cannot both miss the limit or both create the lockout.
        LoginLockout.objects.get_or_create(kind=kind, key=key, defaults={"until": NEVER_LOCKED, "level": 0})
        lock = LoginLockout.objects.select_for_update().get(kind=kind, key=key)
        since = max(now - window, lock.until)
        if LoginFailure.objects.filter(kind=kind, key=key, at__gt=since).count() < _limits()[kind]:
            continue
        lock.level = lock.level + 1 if lock.level and now - lock.until < LEVEL_MEMORY else 1
        duration = min(
            timedelta(minutes=int(settings.SMARTCRM_LOCKOUT_MINUTES)) * 2 ** (lock.level - 1), MAX_LOCKOUT
        )
        lock.until = now + duration
        lock.save(update_fields=["until", "level"])
        audit.record(
            "anonymous",
            AuditAction.LOCKOUT,
            user if kind == ThrottleKind.ACCOUNT else None,
            object_type="accounts.user" if kind == ThrottleKind.ACCOUNT else "accounts.client_address",
            changes={
                "by": kind.value,
                "ip": subject.ip,
                "minutes": int(duration.total_seconds() // 60),
                "level": lock.level,
            },
        )
        ends.append(lock.until)
    # Old failures, and lockouts long over, are of no further use.
    LoginFailure.objects.filter(at__lt=now - max(window, LEVEL_MEMORY)).delete()
    stale = LoginLockout.objects.filter(until__lt=now - LEVEL_MEMORY)
    stale.exclude(key__in=subject.keys().values()).delete()
    return max(ends) if ends else locked_until(subject)


@transaction.atomic
def record_success(subject: Subject) -> None:
    """A full login (password and, if enrolled, code): the account's slate is wiped clean."""
    key = subject.keys()[ThrottleKind.ACCOUNT]
    LoginFailure.objects.filter(kind=ThrottleKind.ACCOUNT, key=key).delete()
    LoginLockout.objects.filter(kind=ThrottleKind.ACCOUNT, key=key).delete()


@transaction.atomic
def unlock_account(username: str) -> None:
    """After a password reset by email: the owner has shown they hold the account's mailbox."""
    key = _key("account", username.strip().lower())
    LoginFailure.objects.filter(kind=ThrottleKind.ACCOUNT, key=key).delete()
    LoginLockout.objects.filter(kind=ThrottleKind.ACCOUNT, key=key).delete()
