"""Outbound webhooks: publish smartcrm events to the endpoints that want them, signed, retried
with exponential backoff and jitter, with a delivery log.

``publish(event_type, data, pii=...)`` is what other apps call. ``data`` holds ids and other
non-PII fields; ``pii`` holds names, emails, phone numbers, addresses and free text, and reaches
only endpoints with ``include_pii``. Keys of ``data`` that name PII are moved to ``pii`` anyway.
"""

from __future__ import annotations

import json
import logging
import random
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcrm.core import audit, heartbeat
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import ServiceValidationError
from smartcrm.integrations import conf, jobs
from smartcrm.integrations.models import OutboundDelivery, OutboundEvent, OutboundStatus, WebhookEndpoint
from smartcrm.integrations.signing import SIGNATURE_HEADER, sign_outbound
from smartcrm.integrations.targets import UnsafeTarget, check_url, post

logger = logging.getLogger("smartcrm.integrations")

# The events smartcrm itself publishes; ``publish`` accepts any dotted name other apps choose.
EVENT_TYPES = (
    "customer.created",
    "customer.updated",
    "order.created",
    "refund.created",
    "ticket.created",
    "alert.created",
)
PII_KEYS = frozenset(
    {
        "name",
        "first_name",
        "last_name",
        "company_name",
        "email",
        "phone",
        "street_address",
        "address",
        "postal_code",
        "subject",
        "body",
        "reason",
        "note",
        "explanation",
        "details",
    }
)
WANTED_CACHE_KEY = "integrations:wanted-event-types"
WANTED_CACHE_SECONDS = 30
USER_AGENT = "smartcrm-webhooks/1"


# --- endpoints --------------------------------------------------------------------------------


def _clean_endpoint(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned = dict(values)
    if "name" in cleaned:
        cleaned["name"] = str(cleaned["name"]).strip()
        if not cleaned["name"] or len(cleaned["name"]) > 100:
            errors["name"] = _("Give a name of 1 to 100 characters.")
    if "url" in cleaned:
        cleaned["url"] = str(cleaned["url"]).strip()
        if len(cleaned["url"]) > 500:
            errors["url"] = _("At most %(n)s characters.") % {"n": 500}
        else:
            try:
                check_url(cleaned["url"])
            except UnsafeTarget as exc:
                errors["url"] = str(exc)
    if "event_types" in cleaned:
        types = [str(t).strip() for t in cleaned["event_types"] or []]
        bad = [t for t in types if t != "*" and (not t or len(t) > 80 or "." not in t)]
        if not types:
            errors["event_types"] = 'Choose at least one event type, or "*" for all.'
        elif bad:
            errors["event_types"] = 'Event types look like "customer.created" (or "*" for all).'
        cleaned["event_types"] = sorted(set(types))
    if errors:
        raise ServiceValidationError(errors)
    return cleaned


def forget_wanted() -> None:
    """Drop the cached set of wanted event types (called on every endpoint save and delete).

    Now for this transaction's own saves, and after the commit for everyone else's (another
    process may have cached the old set in between).
    """
    cache.delete(WANTED_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(WANTED_CACHE_KEY))


@transaction.atomic
def create_endpoint(
    *,
    actor: Actor,
    name: str,
    url: str,
    event_types: list[str],
    include_pii: bool = False,
    secret: str = "",
) -> WebhookEndpoint:
    """Create an endpoint; a secret is generated unless given (shown once by the caller)."""
    cleaned = _clean_endpoint({"name": name, "url": url, "event_types": event_types})
    endpoint = WebhookEndpoint.objects.create(
        **cleaned,
        include_pii=include_pii,
        secret=secret or "whsec_" + secrets.token_urlsafe(32),
        created_by=audit.user_of(actor),
    )
    forget_wanted()
    audit.record(actor, AuditAction.CREATE, endpoint, changes={**cleaned, "include_pii": include_pii})
    return endpoint


@transaction.atomic
def update_endpoint(*, actor: Actor, endpoint: WebhookEndpoint, values: dict[str, Any]) -> dict[str, Any]:
    allowed = {"name", "url", "event_types", "include_pii", "is_active"}
    unknown = set(values) - allowed
    if unknown:
        raise ServiceValidationError(dict.fromkeys(sorted(unknown), _("Unknown field.")))
    cleaned = _clean_endpoint(values)
    changes = audit.diff(endpoint, cleaned, frozenset())
    if changes:
        endpoint.save(update_fields=list(changes))
        forget_wanted()
        audit.record(actor, AuditAction.UPDATE, endpoint, changes=changes)
    return changes


@transaction.atomic
def rotate_secret(*, actor: Actor, endpoint: WebhookEndpoint) -> str:
    endpoint.secret = "whsec_" + secrets.token_urlsafe(32)
    endpoint.save(update_fields=["secret"])
    forget_wanted()
    audit.record(actor, AuditAction.ROTATE_SECRET, endpoint)
    return endpoint.secret


@transaction.atomic
def delete_endpoint(*, actor: Actor, endpoint: WebhookEndpoint) -> None:
    audit.record(actor, AuditAction.DELETE, endpoint)
    endpoint.delete()
    forget_wanted()


# --- publishing -------------------------------------------------------------------------------


def wanted_event_types() -> frozenset[str]:
    """Event types some active endpoint wants, cached so that model saves stay cheap."""
    wanted = cache.get(WANTED_CACHE_KEY)
    if wanted is None:
        wanted = sorted(
            {
                t
                for types in WebhookEndpoint.objects.filter(is_active=True).values_list(
                    "event_types", flat=True
                )
                for t in types
            }
        )
        cache.set(WANTED_CACHE_KEY, wanted, WANTED_CACHE_SECONDS)
    return frozenset(wanted)


def is_wanted(event_type: str) -> bool:
    wanted = wanted_event_types()
    return "*" in wanted or event_type in wanted


def _split(data: dict[str, Any], pii: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any]]:
    plain = {k: v for k, v in data.items() if k not in PII_KEYS}
    private = {**{k: v for k, v in data.items() if k in PII_KEYS}, **(pii or {})}
    return plain, private


def publish(
    event_type: str, data: dict[str, Any], *, pii: dict[str, Any] | None = None
) -> OutboundEvent | None:
    """Record an event and queue one delivery per active endpoint that wants it (on commit).

    Returns None (and stores nothing) when no endpoint wants the event.
    """
    if not event_type or len(event_type) > 80:
        raise ServiceValidationError({"event_type": _("Give an event type of at most 80 characters.")})
    endpoints = [e for e in WebhookEndpoint.objects.filter(is_active=True) if e.wants(event_type)]
    if not endpoints:
        return None
    plain, private = _split(data, pii)
    plain = json.loads(json.dumps(plain, cls=DjangoJSONEncoder))
    with transaction.atomic():
        event = OutboundEvent.objects.create(
            uid="evt_" + secrets.token_hex(12),
            event_type=event_type,
            data=plain,
            pii=json.dumps(private, cls=DjangoJSONEncoder) if private else "",
        )
        deliveries = OutboundDelivery.objects.bulk_create(
            [OutboundDelivery(endpoint=e, event=event) for e in endpoints]
        )
        for delivery in deliveries:
            schedule(delivery.pk)
    return event


def schedule(delivery_pk: int) -> None:
    jobs.deliver_webhook.on_commit(delivery_pk)


def body_for(delivery: OutboundDelivery) -> bytes:
    """The JSON body for one endpoint: PII only if the endpoint is allowed it."""
    event = delivery.event
    data = dict(event.data)
    if delivery.endpoint.include_pii and event.pii:
        data.update(json.loads(event.pii))
    envelope = {
        "id": event.uid,
        "type": event.event_type,
        "created": int(event.created_at.timestamp()),
        "data": data,
    }
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True, cls=DjangoJSONEncoder).encode()


# --- delivery, retries ------------------------------------------------------------------------


def backoff_seconds(attempt: int, *, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Delay before attempt ``attempt + 1`` after ``attempt`` failures: exponential, capped, with
    "equal jitter" — uniformly between half and all of ``min(cap, base * 2**(attempt - 1))`` — so
    that endpoints recovering from an outage are not hit by every retry at the same instant."""
    ceiling = min(cap, base * 2 ** max(attempt - 1, 0))
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)


def retry_schedule(max_attempts: int, *, base: float, cap: float) -> list[tuple[float, float]]:
    """The (earliest, latest) delay before each retry, for documentation and the web page."""
    return [
        (min(cap, base * 2 ** (n - 1)) / 2, min(cap, base * 2 ** (n - 1))) for n in range(1, max_attempts)
    ]


@dataclass(frozen=True)
class Attempt:
    status: str
    retry_in: float | None = None


def _claim(delivery_pk: int) -> OutboundDelivery | None:
    """Mark the delivery as being sent, unless it is finished, being sent, or not yet due."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            OutboundDelivery.objects.select_for_update()
            .select_related("endpoint", "event")
            .filter(pk=delivery_pk)
            .first()
        )
        if delivery is None or delivery.status in (OutboundStatus.SUCCEEDED, OutboundStatus.FAILED):
            return None
        if delivery.status == OutboundStatus.SENDING and (
            delivery.last_attempt_at and now - delivery.last_attempt_at < sender_lost_after()
        ):
            return None
        if (
            delivery.status == OutboundStatus.RETRYING
            and delivery.next_retry_at
            and delivery.next_retry_at > now + timedelta(seconds=1)
        ):
            return None
        delivery.status, delivery.next_retry_at = OutboundStatus.SENDING, None
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.save(update_fields=["status", "next_retry_at", "attempts", "last_attempt_at"])
        return delivery


def _send(delivery: OutboundDelivery) -> tuple[int | None, str]:
    """POST the signed body; (status code or None, error summary without any payload value)."""
    endpoint = delivery.endpoint
    body = body_for(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: sign_outbound(endpoint.secret, body),
        "X-Smartcrm-Event": delivery.event.event_type,
        "X-Smartcrm-Event-Id": delivery.event.uid,
        "X-Smartcrm-Delivery": str(delivery.pk),
    }
    try:
        status = post(endpoint.url, body, headers, timeout=conf.timeout_seconds())
    except UnsafeTarget as exc:
        return None, f"refused: {exc}"[:200]
    except OSError as exc:
        return None, f"{type(exc).__name__}: could not reach the endpoint"
    return status, "" if 200 <= status < 300 else f"HTTP {status}"


def attempt(delivery_pk: int, *, rng: random.Random | None = None) -> Attempt:
    """One attempt; records the outcome and, after a failure, when the next attempt is due."""
    delivery = _claim(delivery_pk)
    if delivery is None:
        current = OutboundDelivery.objects.filter(pk=delivery_pk).values_list("status", flat=True).first()
        return Attempt(current or "missing")
    started = time.monotonic()
    code, error = _send(delivery)
    delivery.duration_ms = int((time.monotonic() - started) * 1000)
    delivery.response_code = code
    ok = code is not None and 200 <= code < 300
    retry_in = None
    if ok:
        delivery.status, delivery.delivered_at, delivery.last_error = (
            OutboundStatus.SUCCEEDED,
            timezone.now(),
            "",
        )
    elif delivery.attempts >= conf.max_attempts() or error.startswith("refused"):
        delivery.status, delivery.last_error = OutboundStatus.FAILED, error or f"HTTP {code}"
    else:
        retry_in = backoff_seconds(
            delivery.attempts, base=conf.retry_base_seconds(), cap=conf.retry_cap_seconds(), rng=rng
        )
        delivery.status, delivery.last_error = OutboundStatus.RETRYING, error or f"HTTP {code}"
        delivery.next_retry_at = timezone.now() + timedelta(seconds=retry_in)
    delivery.save(
        update_fields=[
            "status",
            "duration_ms",
            "response_code",
            "delivered_at",
            "last_error",
            "next_retry_at",
        ]
    )
    logger.info(
        "webhook delivery %s attempt %d: %s (%s)", delivery.pk, delivery.attempts, delivery.status, code
    )
    return Attempt(delivery.status, retry_in)


def sender_lost_after() -> timedelta:
    """How long a delivery may stay ``sending`` (or ``pending``) before its sender counts as dead:
    longer than one request can take (the timeout), plus a job lease (core/heartbeat.py)."""
    return timedelta(seconds=conf.timeout_seconds()) + heartbeat.lease()


def due_deliveries(limit: int = 500, *, overdue: timedelta = timedelta(0)) -> list[int]:
    """Deliveries whose retry is due by more than ``overdue`` or whose sender died: the sweep's
    work list."""
    now = timezone.now()
    lost = now - sender_lost_after()
    retrying = OutboundDelivery.objects.filter(
        status=OutboundStatus.RETRYING, next_retry_at__lte=now - overdue
    )
    stuck = OutboundDelivery.objects.filter(status=OutboundStatus.SENDING, last_attempt_at__lt=lost)
    pending = OutboundDelivery.objects.filter(status=OutboundStatus.PENDING, created_at__lt=lost)
    ids: list[int] = []
    for query in (retrying, stuck, pending):
        ids.extend(query.order_by("id").values_list("pk", flat=True)[: limit - len(ids)])
    return ids


def recover_stale(now: datetime) -> int:
    """The stale-run sweeper's part (core/recovery.py): deliveries a dead worker left ``sending``,
    ``pending`` or with a retry it held are queued again; how many.

    Delivery is at-least-once: a worker killed after the endpoint received a request but before
    it recorded the answer leaves the delivery ``sending``, and it is sent again with the same
    ``X-Smartcrm-Event-Id`` (receivers dedupe on it). ``_claim`` lets one sender at a time in.
    """
    ids = due_deliveries(overdue=sender_lost_after())
    for pk in ids:
        jobs.deliver_webhook.send(pk)
    return len(ids)


def send_due(limit: int = 500) -> int:
    """Attempt every due delivery now (``smartcrm webhooks send-due``; the embedded mode's retry,
    as it has no worker to wait for a countdown). Returns how many were attempted."""
    ids = due_deliveries(limit)
    for pk in ids:
        attempt(pk)
    return len(ids)


@transaction.atomic
def redeliver(*, actor: Actor, delivery: OutboundDelivery) -> OutboundDelivery:
    """Send the same event to the same endpoint again, as a new delivery in the log."""
    again = OutboundDelivery.objects.create(
        endpoint=delivery.endpoint, event=delivery.event, redelivery_of=delivery
    )
    audit.record(actor, AuditAction.REDELIVER, delivery, changes={"new_delivery": again.pk})
    schedule(again.pk)
    return again
