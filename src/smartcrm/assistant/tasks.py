"""The assistant's background tasks: deliver a message through its channel; reply to new mail."""

from __future__ import annotations

from celery import Task

from smartcrm.core.tasks import smartcrm_task

from .channels import delivery, mail_in


@smartcrm_task(name="smartcrm.assistant.deliver_message")
def deliver_message(self: Task, message_id: int) -> str:
    """Send ConversationMessage ``message_id``; one already delivered is left alone."""
    return delivery.deliver(message_id)


@smartcrm_task(name="smartcrm.assistant.email_ticket_opened")
def email_ticket_opened(self: Task, ticket_id: int) -> str:
    """The acknowledgement (and the help center's answer, when confident) of a new email ticket."""
    return mail_in.auto_reply(ticket_id)


@smartcrm_task(name="smartcrm.assistant.deliver_pending")
def deliver_pending(self: Task) -> int:
    """Send again the messages whose delivery failed (beat, every five minutes)."""
    return delivery.deliver_pending()
