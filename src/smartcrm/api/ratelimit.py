"""The client's address for the API's rate limits (the counters are ``core.ratelimit``)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address: the peer's, or with ``SMARTCRM_PROXY_HOPS`` trusted proxies in front,
    the address the outermost of them saw (X-Forwarded-For read from the right, so a client
    cannot pick its own by sending the header)."""
    peer = str(request.META.get("REMOTE_ADDR", ""))
    hops = int(settings.SMARTCRM_PROXY_HOPS)
    if hops <= 0:
        return peer
    forwarded = [
        part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()
    ]
    return forwarded[-hops] if len(forwarded) >= hops else peer
