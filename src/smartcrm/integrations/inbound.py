"""Receiving shop webhooks: verify, store, answer fast; apply later in a task.

The order of checks is the contract (see docs/integrations.md):

1. unknown or inactive shop → 404;
2. signature (HMAC of the raw body, constant-time) wrong or missing → 401, nothing stored;
3. a delivery already stored for ``(shop, delivery id, topic)`` → 200, nothing done again;
4. body not JSON, or a field missing or malformed → 422 with the fields, the delivery stored as
   failed (its body encrypted, for replay);
5. otherwise the delivery is stored and 200 answered; a task applies it after the commit.

A stored delivery's errors and notes are kept in English and shown in the reader's language
(:mod:`smartcrm.integrations.wording`); the answer to the shop is in the request's language.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import ErrorCode, ServiceValidationError
from smartcrm.integrations import jobs, payloads, sync
from smartcrm.integrations.models import InboundDelivery, InboundStatus, Platform, ShopConnection
from smartcrm.integrations.signing import verify_shop_signature
from smartcrm.integrations.wording import delivery_message

logger = logging.getLogger("smartcrm.integrations")

WOO_PING = re.compile(rb"webhook_id=\d{1,20}")
RACE_RETRIES = 3


@dataclass(frozen=True)
class Headers:
    signature: str
    topic: str
    delivery_id: str
    shop_domain: str = ""


HEADER_NAMES = {
    Platform.SHOPIFY: Headers(
        signature="X-Shopify-Hmac-Sha256",
        topic="X-Shopify-Topic",
        delivery_id="X-Shopify-Webhook-Id",
        shop_domain="X-Shopify-Shop-Domain",
    ),
    Platform.WOOCOMMERCE: Headers(
        signature="X-WC-Webhook-Signature", topic="X-WC-Webhook-Topic", delivery_id="X-WC-Webhook-Delivery-ID"
    ),
}


@dataclass(frozen=True)
class Answer:
    """What the view answers: an HTTP status and a JSON body (never any payload value)."""

    status: int
    body: dict[str, Any] = field(default_factory=dict)
    delivery_pk: int | None = None


def find_connection(platform: str, shop: str) -> ShopConnection | None:
    """By id (``/hooks/shopify/3``) or by shop domain (``/hooks/shopify/my-shop.myshopify.com``)."""
    if platform not in Platform.values:
        return None
    query = ShopConnection.objects.filter(platform=platform, is_active=True)
    if shop.isdigit():
        return query.filter(pk=int(shop)).first()
    return query.filter(shop_domain=shop.strip().lower()).first()


def receive(*, platform: str, shop: str, headers: Mapping[str, str], body: bytes) -> Answer:
    """Handle one webhook request; see the module docstring for the order of checks."""
    connection = find_connection(platform, shop)
    if connection is None:
        return Answer(404, {"detail": gettext("Unknown shop."), "code": ErrorCode.NOT_FOUND})
    names = HEADER_NAMES[Platform(platform)]
    if platform == Platform.WOOCOMMERCE and not headers.get(names.topic) and WOO_PING.fullmatch(body.strip()):
        # WooCommerce's unsigned ping when a webhook is saved; it needs a 200 and changes nothing.
        return Answer(200, {"status": "pong"})
    if not verify_shop_signature(connection.secret, body, headers.get(names.signature)):
        return Answer(401, {"detail": gettext("Bad signature."), "code": ErrorCode.NOT_AUTHENTICATED})
    if names.shop_domain and headers.get(names.shop_domain, connection.shop_domain).strip().lower() != (
        connection.shop_domain
    ):
        # Shopify signs with the app's secret, shared by every shop that installed the app.
        detail = gettext("Delivery for another shop.")
        return Answer(401, {"detail": detail, "code": ErrorCode.NOT_AUTHENTICATED})
    topic = headers.get(names.topic, "").strip()[:80]
    delivery_id = headers.get(names.delivery_id, "").strip()[:200]
    missing = {
        f"headers.{n}": gettext_noop("This header is required.") for n, v in ((names.topic, topic),) if not v
    }
    if not delivery_id:
        delivery_id = "sha256:" + hashlib.sha256(body).hexdigest()
    return _store(connection, topic or "(missing)", delivery_id, body, missing)


def _store(
    connection: ShopConnection, topic: str, delivery_id: str, body: bytes, errors: dict[str, str]
) -> Answer:
    with transaction.atomic():
        existing = (
            InboundDelivery.objects.select_for_update()
            .filter(connection=connection, delivery_id=delivery_id, topic=topic)
            .first()
        )
        if existing is not None and existing.status != InboundStatus.FAILED:
            if existing.status == InboundStatus.RECEIVED:
                # Stored but not applied (its task was lost, or failed): the retry queues it
                # again; applying is idempotent, so a task still in the queue finds it done.
                schedule(existing.pk)
            return Answer(200, {"status": "duplicate", "delivery": existing.pk}, existing.pk)
        delivery = existing or InboundDelivery(connection=connection, delivery_id=delivery_id, topic=topic)
        delivery.payload = body.decode("utf-8", errors="replace")
        delivery.status, delivery.errors, delivery.notes = InboundStatus.RECEIVED, {}, []
        resource = payloads.TOPICS[connection.platform].get(topic)
        try:
            if errors:
                raise ServiceValidationError(errors)
            try:
                data = json.loads(body)
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise ServiceValidationError({"body": gettext_noop("The body is not valid JSON.")}) from exc
            if resource is not None:
                parsed = payloads.parse(connection.platform, topic, data)
                delivery.resource, delivery.external_id = parsed.resource, parsed.external_id
                delivery.remote_updated_at = parsed.updated_at
            else:
                delivery.status, delivery.payload = InboundStatus.IGNORED, ""
        except ServiceValidationError as exc:
            delivery.status, delivery.errors = InboundStatus.FAILED, exc.errors
        try:
            with transaction.atomic():
                delivery.save()
        except IntegrityError:  # the same delivery, stored a moment ago by a concurrent request
            return Answer(200, {"status": "duplicate"})
        logger.info("inbound delivery %s %s: %s", delivery.pk, topic, delivery.status)
        if delivery.status == InboundStatus.FAILED:
            detail = [
                {"loc": [k], "msg": delivery_message(v), "type": "value_error", "code": ErrorCode.INVALID}
                for k, v in delivery.errors.items()
            ]
            refused = {"detail": detail, "code": ErrorCode.INVALID, "delivery": delivery.pk}
            return Answer(422, refused, delivery.pk)
        if delivery.status == InboundStatus.RECEIVED:
            schedule(delivery.pk)
        return Answer(200, {"status": delivery.status, "delivery": delivery.pk}, delivery.pk)


def schedule(delivery_pk: int) -> None:
    jobs.process_inbound.on_commit(delivery_pk)


def process(delivery_pk: int) -> str:
    """Apply a stored delivery; idempotent (only a received or waiting delivery is applied)."""
    with transaction.atomic():
        delivery = (
            InboundDelivery.objects.select_for_update()
            .select_related("connection")
            .filter(pk=delivery_pk)
            .first()
        )
        if delivery is None or delivery.status not in (InboundStatus.RECEIVED, InboundStatus.WAITING):
            return delivery.status if delivery else "missing"
        connection = delivery.connection
        delivery.attempts += 1
        outcome: sync.Outcome | None = None
        try:
            parsed = payloads.parse(connection.platform, delivery.topic, json.loads(delivery.payload))
            outcome = _apply_retrying_races(connection, parsed)
        except ServiceValidationError as exc:
            delivery.status, delivery.errors = InboundStatus.FAILED, exc.errors
        else:
            delivery.status, delivery.notes = outcome.status, outcome.notes
            delivery.waiting_for = outcome.waiting_for
        delivery.processed_at = timezone.now()
        delivery.save(update_fields=["status", "errors", "notes", "waiting_for", "processed_at", "attempts"])
        logger.info("inbound delivery %s applied: %s", delivery.pk, delivery.status)
    if outcome is not None and outcome.order_synced:
        waiting = InboundDelivery.objects.filter(
            connection=connection, status=InboundStatus.WAITING, waiting_for=outcome.order_synced
        ).values_list("pk", flat=True)
        for pk in list(waiting):
            process(pk)
    return delivery.status


def _apply_retrying_races(connection: ShopConnection, parsed: payloads.Parsed) -> sync.Outcome:
    """Two deliveries about different orders may create the same new customer or product at
    once; the loser's insert fails on a unique key and is rolled back to its savepoint. Applying
    again then finds the row the winner committed."""
    for attempt in range(RACE_RETRIES):
        try:
            return sync.apply(connection, parsed)
        except IntegrityError:
            if attempt == RACE_RETRIES - 1:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def replay(*, actor: Actor, delivery: InboundDelivery) -> InboundDelivery:
    """Apply a failed or stale delivery again from its stored body (after a fix, say)."""
    from smartcrm.core import audit

    if not delivery.payload:
        raise ServiceValidationError({"__all__": "This delivery has no stored body to replay."})
    if delivery.status == InboundStatus.RECEIVED:
        return delivery
    delivery.status, delivery.errors, delivery.notes = InboundStatus.RECEIVED, {}, []
    delivery.save(update_fields=["status", "errors", "notes"])
    # A stale delivery replays against the stored version check again: an old one stays stale.
    audit.record(actor, AuditAction.REPLAY, delivery)
    schedule(delivery.pk)
    return delivery
