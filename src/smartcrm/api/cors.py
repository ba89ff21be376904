"""Cross-origin access for the chat widget's API (/api/v1/chat/) and nothing else.

The widget runs on the shop's own site, another origin. Only the origins listed in
``SMARTCRM_WIDGET_ORIGINS`` may call the chat API from a browser; the answer never allows
credentials (the widget names its conversation with a header, never a cookie), so a page on an
allowed origin gains nothing a visitor could not do with curl. Every other path keeps the
browser's same-origin default. The chat API's answers (a customer's conversation) are also
marked never to be cached.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_vary_headers

PREFIX = "/api/v1/chat/"
TOKEN_HEADER = "X-Chat-Token"  # noqa: S105 (a header's name)
ALLOWED_METHODS = "GET, POST"
ALLOWED_HEADERS = f"Content-Type, {TOKEN_HEADER}"
PREFLIGHT_MAX_AGE = "600"


def allowed_origin(origin: str | None) -> bool:
    return bool(origin) and str(origin).rstrip("/").lower() in settings.SMARTCRM_WIDGET_ORIGINS


class WidgetCorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        origin = request.headers.get("Origin")
        allowed = allowed_origin(origin)
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            # A preflight: answered here, before any view; a refused origin gets no CORS headers.
            response = HttpResponse(status=204 if allowed else 403)
            if allowed:
                response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
                response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
                response["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
        else:
            response = self.get_response(request)
        if allowed:
            response["Access-Control-Allow-Origin"] = str(origin)
            response["Access-Control-Expose-Headers"] = "Retry-After"
        patch_vary_headers(response, ["Origin"])
        add_never_cache_headers(response)
        return response
