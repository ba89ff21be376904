"""Sending the assistant's and agents' messages through their conversation's channel.

:func:`deliver_later` is what writers call (``services._reply``, ``services.agent_replied``):
it starts the delivery job after the commit, unless the channel is a pull channel. The job runs
:func:`deliver`, which sends a message at most once: the message row is locked while it is sent
and ``delivered_at`` is set in the same transaction, so a job that runs twice (a retried Celery
task, two workers) finds it delivered and sends nothing. A failure is kept on the message
(``delivery_error``, ``delivery_attempts``) and ``smartcrm channels deliver-pending`` tries again.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from .. import jobs
from ..models import ConversationMessage, Speaker
from .base import DeliveryFailed
from .registry import adapter_for

logger = logging.getLogger("smartcrm.assistant.channels")

MAX_ATTEMPTS = 5


def deliver_later(message: ConversationMessage) -> None:
    """Send ``message`` to the customer after the commit, through its conversation's channel."""
    if message.speaker == Speaker.CUSTOMER or not adapter_for(message.conversation.channel).pushes:
        return
    jobs.deliver_message.on_commit(message.pk)


def deliver(message_id: int) -> str:
    """Send ConversationMessage ``message_id`` unless it was sent already; returns what happened."""
    with transaction.atomic():
        message = (
            ConversationMessage.objects.select_for_update(of=("self",))
            .select_related("conversation__ticket__customer")
            .filter(pk=message_id)
            .first()
        )
        if message is None or message.speaker == Speaker.CUSTOMER:
            return "nothing to send"
        if message.delivered_at is not None:
            return "already delivered"
        conversation = message.conversation
        adapter = adapter_for(conversation.channel)
        if not adapter.pushes:
            return "pulled by the client"
        message.delivery_attempts += 1
        try:
            adapter.deliver(conversation, message)
        except DeliveryFailed as exc:
            message.delivery_error = str(exc)[:200]
            message.save(update_fields=["delivery_error", "delivery_attempts"])
            logger.warning(
                "%s delivery of message %d failed (attempt %d): %s",
                conversation.channel,
                message.pk,
                message.delivery_attempts,
                message.delivery_error,
            )
            return "failed"
        message.delivered_at, message.delivery_error = timezone.now(), ""
        message.save(update_fields=["delivered_at", "delivery_error", "delivery_attempts"])
        return "delivered"


def deliver_pending(limit: int = 200) -> int:
    """Try again every undelivered message of a push channel that failed fewer than MAX_ATTEMPTS times."""
    pending = ConversationMessage.objects.filter(
        delivered_at__isnull=True, delivery_attempts__gt=0, delivery_attempts__lt=MAX_ATTEMPTS
    ).exclude(speaker=Speaker.CUSTOMER)
    ids = list(pending.order_by("pk").values_list("pk", flat=True)[:limit])
    return sum(deliver(pk) == "delivered" for pk in ids)
