"""Who is calling: a bearer token, or the web UI's session; and what their role lets them do."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import HttpBearer, SessionAuth

from smartcrm.accounts import scopes, twofactor
from smartcrm.accounts.access import Access, declare
from smartcrm.accounts.models import ApiToken, User, hash_token
from smartcrm.accounts.roles import Capability
from smartcrm.core.errors import ErrorCode, NotFoundError

# last_used_at is for "is this token still in use?", not an access log: one write a minute
# per token at most, instead of one per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenExpired(AuthenticationError):
    code = ErrorCode.TOKEN_EXPIRED

    def __init__(self) -> None:
        super().__init__(message=_("This API token has expired; create a new one on /account/."))


class ScopeMissing(AuthorizationError):
    code = ErrorCode.INSUFFICIENT_SCOPE

    def __init__(self, needed: str) -> None:
        super().__init__(message=_("This API token's scopes do not include %(scope)s.") % {"scope": needed})


class TwoFactorRequired(AuthorizationError):
    code = ErrorCode.TWO_FACTOR_REQUIRED

    def __init__(self) -> None:
        super().__init__(
            message=_(
                "The shop requires two-factor authentication for admins: set it up on "
                "/account/two-factor/ to use this token."
            )
        )


class BearerAuth(HttpBearer):
    """``Authorization: Bearer scrm_…``: the token's SHA-256 is looked up, never the raw value;
    then its expiry (401) and whether its scopes cover this call (403). The role's own
    capability is checked after, by the operation."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        api_token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token.strip()), revoked_at__isnull=True)
            .first()
        )
        if api_token is None or not api_token.user.is_active:
            # A wrong token is refused outright rather than falling through to the session,
            # whose CSRF check would turn it into a confusing 403.
            raise AuthenticationError()
        now = timezone.now()
        if api_token.expires_at is not None and api_token.expires_at <= now:
            raise TokenExpired()
        needed = scopes.required_scope(
            request.path.removeprefix(reverse("api:api-root")), request.method or ""
        )
        # An operation outside every area (none today; a test keeps it so) needs every scope.
        allowed = (
            scopes.ALL in api_token.scopes if needed is None else scopes.allows(api_token.scopes, needed)
        )
        if not allowed:
            raise ScopeMissing(needed or _("every area"))
        if twofactor.missing_for_admin(api_token.user):
            raise TwoFactorRequired()
        if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        return api_token.user


# The web UI's session (htmx); ninja checks the CSRF token for cookie authentication.
session_auth = SessionAuth()


def require_user(request: HttpRequest) -> User:
    """The authenticated user, for data every staff role may read (the catalog, the stages)."""
    user: Any = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User):
        raise AuthenticationError()
    return user


def require(request: HttpRequest, capability: Capability) -> User:
    """The authenticated user if their role has ``capability``; otherwise a 403."""
    user: Any = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User) or not user.can(capability):
        raise AuthorizationError(
            message=_("Your role does not allow this (%(capability)s).") % {"capability": capability.value}
        )
    return user


Operation = TypeVar("Operation", bound=Callable[..., Any])


def _guarded(access: Access) -> Callable[[Operation], Operation]:
    """Wrap an operation so that it runs only when ``access`` allows the caller, and record
    ``access`` on it (accounts/access.py) for the permission-matrix tests and docs."""

    def decorator(operation: Operation) -> Operation:
        @wraps(operation)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            capability = access.required(kwargs)
            if capability is None:
                require_user(request)
            else:
                require(request, capability)
            return operation(request, *args, **kwargs)

        # ninja reads the parameters' types from the signature; resolve them in the operation's
        # own module (they are strings under ``from __future__ import annotations``).
        guarded.__signature__ = inspect.signature(operation, eval_str=True)  # type: ignore[attr-defined]
        return declare(guarded, access)  # type: ignore[return-value]

    return decorator


def needs(capability: Capability) -> Callable[[Operation], Operation]:
    """``@needs(Capability.VIEW_ORDERS)`` under ``@router.get(...)``: the caller's role must have it."""
    return _guarded(Access(capability=capability))


def needs_per(argument: str, capability_of: Callable[[str], Capability]) -> Callable[[Operation], Operation]:
    """The capability depends on a path argument (which list an export reads)."""
    return _guarded(Access(argument=argument, capability_of=capability_of))


# Data every staff role may read (the catalog, the stages): signed in is enough.
signed_in = _guarded(Access())


def staff_user(user_id: int) -> User:
    """An active staff account by id (to assign tickets and deals)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise NotFoundError(f"user {user_id}")
    return user
