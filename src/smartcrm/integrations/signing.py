"""Webhook signatures: verifying the shops' (base64 HMAC-SHA256 of the raw body) and making ours.

Ours follow Stripe's scheme so that receivers can reuse what they know::

    X-Smartcrm-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">

The timestamp is signed with the body, so a receiver that refuses old timestamps (we suggest
five minutes) cannot be fed a captured request again later.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Smartcrm-Signature"
DEFAULT_TOLERANCE = 300


def shop_signature(secret: str, body: bytes) -> str:
    """The base64 HMAC-SHA256 that Shopify and WooCommerce send for ``body``."""
    return base64.b64encode(hmac.digest(secret.encode(), body, hashlib.sha256)).decode()


def verify_shop_signature(secret: str, body: bytes, header: str | None) -> bool:
    """Constant-time comparison of the received signature with the one ``body`` should have."""
    if not header or not secret:
        return False
    return hmac.compare_digest(shop_signature(secret, body).encode(), header.strip().encode())


def sign_outbound(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The ``X-Smartcrm-Signature`` header value for ``body`` sent at ``timestamp``."""
    ts = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={ts},v1={digest}"


def verify_outbound(
    secret: str, body: bytes, header: str, *, tolerance: int = DEFAULT_TOLERANCE, now: float | None = None
) -> bool:
    """What a receiver does (also documented in docs/integrations.md)."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        ts = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - ts) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))
