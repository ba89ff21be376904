"""Session rules for staff logins: an idle timeout, an absolute lifetime, "log out everywhere",
and the shop's "admins need two-factor" setting.

The login stamps the session with when it started, when it was last used and the user's
session generation; every request checks them. Last use is rewritten at most once a minute,
not on every request, and never by a request the page made on its own (htmx polling, marked
with :data:`BACKGROUND_HEADER`): a progress bar left open does not keep a session alive.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcrm.accounts.models import SecuritySettings, TotpDevice, User
from smartcrm.core.errors import ErrorCode

STARTED = "smartcrm_auth_started"
LAST_SEEN = "smartcrm_last_seen"
GENERATION = "smartcrm_session_generation"
SECOND_FACTOR = "smartcrm_second_factor"  # set when this login passed a TOTP or recovery code
SEEN_RESOLUTION = timedelta(minutes=1)
# Sent by elements that poll on a timer (hx-headers); such a request is not the user's activity.
BACKGROUND_HEADER = "X-Smartcrm-Background"
# Pages an admin who must enrol may still open (besides static files).
ENROL_PATHS = ("/account/two-factor/", "/logout/")


def stamp_session(request: HttpRequest, user: User, *, second_factor: bool) -> None:
    """Called right after login: the session's start, last use and generation."""
    now = int(timezone.now().timestamp())
    request.session[STARTED] = now
    request.session[LAST_SEEN] = now
    request.session[GENERATION] = user.session_generation
    request.session[SECOND_FACTOR] = second_factor


def on_user_logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """Every login (the login view, the test client's force_login) starts a stamped session;
    the login view stamps it again once it knows whether a second factor was given."""
    if request is not None and hasattr(request, "session"):
        stamp_session(request, user, second_factor=False)


class AccountSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if isinstance(user, User) and user.is_authenticated:
            if self._ended(request, user):
                logout(request)
                if request.headers.get("HX-Request"):
                    # htmx would swap the login page into the element: load it as the page instead.
                    return HttpResponse(status=204, headers={"HX-Redirect": reverse("web:login")})
                if not request.path.startswith("/api/"):
                    messages.info(request, _("Your session has ended; please log in again."))
            else:
                refused = self._second_factor_missing(request, user)
                if refused is not None:
                    return refused
        return self.get_response(request)

    @staticmethod
    def _ended(request: HttpRequest, user: User) -> bool:
        session = request.session
        now = int(timezone.now().timestamp())
        started = int(session.get(STARTED, now))
        seen = int(session.get(LAST_SEEN, now))
        if session.get(GENERATION, 0) != user.session_generation:
            return True
        if now - seen > int(settings.SMARTCRM_SESSION_IDLE_MINUTES) * 60:
            return True
        if now - started > int(settings.SESSION_COOKIE_AGE):
            return True
        background = bool(request.headers.get(BACKGROUND_HEADER))
        if STARTED not in session or LAST_SEEN not in session:
            session[STARTED], session[LAST_SEEN] = started, seen
        elif not background and now - seen >= SEEN_RESOLUTION.total_seconds():
            session[LAST_SEEN] = now
        return False

    @staticmethod
    def _second_factor_missing(request: HttpRequest, user: User) -> HttpResponse | None:
        # Read per request, but only for an admin's session that gave no second factor.
        if request.session.get(SECOND_FACTOR) or not user.is_admin_role:
            return None
        if request.path.startswith(ENROL_PATHS) or request.path.startswith(settings.STATIC_URL):
            return None
        if not SecuritySettings.objects.filter(pk=1, require_admin_2fa=True).exists():
            return None
        if TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists():
            # Enrolled, yet this session skipped the code (made before it was required): log in again.
            logout(request)
            return redirect(f"{reverse('web:login')}?next={request.path}")
        if request.path.startswith("/api/"):
            body = {
                "detail": "The shop requires two-factor authentication for admins.",
                "code": ErrorCode.TWO_FACTOR_REQUIRED,
            }
            return JsonResponse(body, status=403)
        return redirect(reverse("web:two_factor"))
