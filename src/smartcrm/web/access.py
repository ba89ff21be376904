"""Who may open a page: one decorator per view, naming the capability it needs."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from smartcrm.accounts.models import User
from smartcrm.accounts.roles import Capability

View = Callable[..., HttpResponseBase]


def current_user(request: HttpRequest) -> User:
    """The signed-in staff user (every view that calls this is behind ``login_required``)."""
    return cast(User, request.user)


def capability_required(capability: Capability) -> Callable[[View], View]:
    """Send anonymous users to the login page and answer 403 to roles without ``capability``."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not current_user(request).can(capability):
                return render(request, "web/forbidden.html", {"capability": capability}, status=403)
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def is_htmx(request: HttpRequest) -> bool:
    """True for an htmx swap; a history-restore request wants the whole page back."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")
