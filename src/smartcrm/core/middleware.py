"""Security headers that Django does not set itself, and one check of every page's form input."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
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
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            # A multipart body is left to the view: reading it here would consume the stream a
            # view may read itself (its text fields are checked by the services).
            form = request.content_type == "application/x-www-form-urlencoded"
            for data in (request.GET, request.POST) if form else (request.GET,):
                for name, values in data.lists():
                    if CONTROL_CHARACTERS.search(name) or any(CONTROL_CHARACTERS.search(v) for v in values):
                        field = escape(strip_control(name))
                        return HttpResponseBadRequest(f"<p>{field}: {CONTROL_MESSAGE}</p>")
        return self.get_response(request)
