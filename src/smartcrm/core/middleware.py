"""Security headers that Django does not set itself, and one check of every page's form input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.utils.html import escape

from smartcrm.core.text import CONTROL_CHARACTERS, CONTROL_MESSAGE, strip_control

# Everything is served from our own origin: no CDN, no inline script, no inline style (htmx's
# indicator style is turned off in base.html; a page's styles live in the static CSS files).
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)
# The interactive API docs (ninja's Swagger UI page) run inline script and style.
DOCS_POLICY = POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = DOCS_POLICY if request.path.startswith("/api/v1/docs") else POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


class ControlCharacterMiddleware:
    """Refuse page requests whose query or form fields hold control characters (``core.text``).

    One place for every page, whether a view reads its input through a form or straight from
    ``request.GET``/``request.POST``. The API checks its own input per field (422 with the field's
    location), so /api/ is left to it.

    A multipart form's text fields are checked exactly when Django's CSRF check has already parsed
    the body (a POST to a view that is not ``csrf_exempt``): parsing it consumes the request's
    stream, and the exempt views (webhooks, one-click unsubscribe) read their raw body themselves.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None
        for data in _fields(request, exempt=getattr(view, "csrf_exempt", False)):
            for name, values in data.lists():
                if CONTROL_CHARACTERS.search(name) or any(
                    isinstance(v, str) and CONTROL_CHARACTERS.search(v) for v in values
                ):
                    field = escape(strip_control(name))
                    return HttpResponseBadRequest(f"<p>{field}: {CONTROL_MESSAGE}</p>")
        return None


def _fields(request: HttpRequest, *, exempt: bool) -> tuple[QueryDict, ...]:
    """The query and, when reading it is safe, the form fields of the request."""
    if request.content_type == "application/x-www-form-urlencoded":
        return request.GET, request.POST  # parsed from ``request.body``, which stays readable
    if request.content_type == "multipart/form-data" and request.method == "POST" and not exempt:
        return request.GET, request.POST
    return (request.GET,)
