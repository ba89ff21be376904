"""Settings of the webhook machinery: a Django setting if defined, else the environment."""

from __future__ import annotations

import os

from django.conf import settings


def _value(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    return str(value) if value is not None else os.environ.get(name, default)


def allow_private_targets() -> bool:
    """Allow endpoints on private or loopback addresses (tests, a receiver on the same host)."""
    return _value("SMARTCRM_WEBHOOKS_ALLOW_PRIVATE", "0").lower() in ("1", "true", "yes")


def retry_base_seconds() -> float:
    return float(_value("SMARTCRM_WEBHOOK_RETRY_BASE", "30"))


def retry_cap_seconds() -> float:
    return float(_value("SMARTCRM_WEBHOOK_RETRY_CAP", "21600"))


def max_attempts() -> int:
    return int(_value("SMARTCRM_WEBHOOK_MAX_ATTEMPTS", "8"))


def timeout_seconds() -> float:
    return float(_value("SMARTCRM_WEBHOOK_TIMEOUT", "10"))
