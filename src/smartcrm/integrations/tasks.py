"""Background work of the shop sync: apply an inbound delivery; send an outbound one."""

from __future__ import annotations

from celery import Task

from smartcrm.core.tasks import smartcrm_task
from smartcrm.integrations import inbound, outbound


@smartcrm_task(name="smartcrm.integrations.process_inbound")
def process_inbound(self: Task, delivery_id: int) -> str:
    """Apply InboundDelivery ``delivery_id``; a delivery already applied is left alone."""
    return inbound.process(delivery_id)


# Our own attempt count (SMARTCRM_WEBHOOK_MAX_ATTEMPTS) decides when to give up, not Celery's.
@smartcrm_task(name="smartcrm.integrations.deliver_webhook", max_retries=1000)
def deliver_webhook(self: Task, delivery_id: int) -> str:
    """One attempt at OutboundDelivery ``delivery_id``; after a failure, a Celery retry with the
    backoff's countdown. Inline (no broker), the retry is left to ``smartcrm webhooks send-due``:
    nothing can wait for a countdown there."""
    result = outbound.attempt(delivery_id)
    if result.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=result.retry_in)
    return result.status


@smartcrm_task(name="smartcrm.integrations.send_due_webhooks")
def send_due_webhooks(self: Task) -> int:
    """Attempt every delivery whose retry is due (a safety net for lost messages; beat-able)."""
    return outbound.send_due()
