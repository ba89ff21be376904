"""Who may open a page: one decorator per view, naming the capability it needs."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from smartcrm.accounts.access import Access, declare
from smartcrm.accounts.models import User
from smartcrm.accounts.roles import Capability
from smartcrm.core.errors import NotFoundError

View = Callable[..., HttpResponseBase]


def current_user(request: HttpRequest) -> User:
    """The signed-in staff user (every view that calls this is behind ``login_required``)."""
    return cast(User, request.user)


def _guarded(access: Access) -> Callable[[View], View]:
    """Send anonymous users to the login page and answer 403 to roles that ``access`` refuses;
    record ``access`` on the view (accounts/access.py) for the permission-matrix tests."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                capability = access.required(kwargs)
            except NotFoundError as exc:
                raise Http404(str(exc)) from exc
            if capability is not None and not current_user(request).can(capability):
                return render(request, "web/forbidden.html", {"capability": capability}, status=403)
            return view(request, *args, **kwargs)

        return declare(login_required(wrapped), access)

    return decorator


def capability_required(capability: Capability) -> Callable[[View], View]:
    """``@capability_required(Capability.VIEW_ORDERS)``: the page is for roles that have it."""
    return _guarded(Access(capability=capability))


def signed_in_required(view: View) -> View:
    """A page for every signed-in staff user, whatever the role (their own account pages)."""
    return _guarded(Access())(view)


def capability_per(argument: str, capability_of: Callable[[str], Capability]) -> Callable[[View], View]:
    """The capability depends on a URL argument (which list an export reads); an unknown one is 404."""
    return _guarded(Access(argument=argument, capability_of=capability_of))


def is_htmx(request: HttpRequest) -> bool:
    """True for an htmx swap; a history-restore request wants the whole page back."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")
