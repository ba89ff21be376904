"""Who the customer in a conversation is, before any tool touches an order.

Two ways, both checked here and nowhere else:

- a **signed token** from the shop's own site, where the customer is logged in:
  ``base64url(payload) + "." + base64url(HMAC-SHA256(secret, base64url(payload)))`` with the
  payload ``{"email": "...", "exp": <unix seconds>}`` and the secret in
  ``SMARTCRM_ASSISTANT_IDENTITY_SECRET`` (any language can make one; docs/assistant.md);
- the customer's **email and an order number** that belong together.

A mismatch never says which half was wrong, and a conversation gets a few tries only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

from django.conf import settings

from smartcrm.customers.models import Customer
from smartcrm.customers.selectors import find_customer_by_email
from smartcrm.orders.models import Order

MAX_ATTEMPTS = 5


class IdentityRefused(ValueError):
    """The token or the email and order number do not identify a customer."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _secret() -> bytes:
    secret = getattr(settings, "SMARTCRM_ASSISTANT_IDENTITY_SECRET", "")
    if not secret:
        raise IdentityRefused("signed identity tokens are not set up")
    return str(secret).encode()


def sign_identity(email: str, ttl_seconds: int = 3600) -> str:
    """A token for ``email`` (what the shop's site does; used by the demo and the tests)."""
    payload = _b64(json.dumps({"email": email, "exp": int(time.time()) + ttl_seconds}).encode())
    signature = hmac.new(_secret(), payload.encode(), hashlib.sha256).digest()
    return f"{payload}.{_b64(signature)}"


def customer_from_token(token: str) -> Customer:
    try:
        payload, signature = token.strip().split(".", 1)
        expected = hmac.new(_secret(), payload.encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _unb64(signature)):
            raise IdentityRefused("bad signature")
        claims = json.loads(_unb64(payload))
    except (ValueError, json.JSONDecodeError) as exc:
        raise IdentityRefused("unreadable token") from exc
    if not isinstance(claims, dict) or int(claims.get("exp", 0)) < time.time():
        raise IdentityRefused("expired token")
    customer = find_customer_by_email(str(claims.get("email", "")))
    if customer is None:
        raise IdentityRefused("unknown customer")
    return customer


def customer_from_order(email: str, order_number: str) -> Customer:
    customer = find_customer_by_email(email.strip())
    number = order_number.strip().lstrip("#")
    if customer is None or not number or not Order.objects.filter(customer=customer, number=number).exists():
        raise IdentityRefused("email and order number do not match")
    return customer
