"""Conversations between a customer and the shop: the assistant answers, a person takes over.

A conversation belongs to a channel (the website widget, email, Telegram, the API) and, once
the customer is identified, to a customer. Handing over links it to a ticket; the agent's
replies on that ticket come back into the conversation.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from smartcrm.core.fields import EncryptedTextField


class Channel(models.TextChoices):
    WIDGET = "widget", _("Website chat")
    EMAIL = "email", _("Email")
    TELEGRAM = "telegram", _("Telegram")
    API = "api", _("API")


class ConversationState(models.TextChoices):
    BOT = "bot", _("With the assistant")
    HANDED_OFF = "handed_off", _("With a person")
    CLOSED = "closed", _("Closed")


class Speaker(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    ASSISTANT = "assistant", _("Assistant")
    AGENT = "agent", _("Agent")


class Composer(models.TextChoices):
    """Which path wrote an assistant reply (see :mod:`smartcrm.assistant.compose`)."""

    OFFLINE = "offline", _("Offline (the articles' and tools' own words)")
    LLM = "llm", _("LLM, from the cited sources")
    LLM_FALLBACK = "llm_fallback", _("Offline after the LLM failed or cited badly")
    GUARDED = "guarded", _("Withheld by the reply guards")


def new_public_token() -> str:
    return secrets.token_urlsafe(24)


class Conversation(models.Model):
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WIDGET)
    language = models.CharField(max_length=10, default="en")
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="conversations"
    )
    # True once the shop's signed token or a matching email + order number named the customer;
    # a customer only claimed (an email typed in the chat) may get a ticket, never order tools.
    identity_verified = models.BooleanField(default=False)
    state = models.CharField(max_length=12, choices=ConversationState.choices, default=ConversationState.BOT)
    ticket = models.ForeignKey(
        "support.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="conversations"
    )
    # The visitor's handle on the conversation (the widget keeps it to survive a reload).
    public_token = models.CharField(max_length=64, unique=True, default=new_public_token)
    # Who has the conversation once a person took it over (the teams' assignment rules).
    assignee = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="conversations"
    )
    team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="conversations"
    )
    external_ref = models.CharField(max_length=120, blank=True, help_text="e.g. the Telegram chat id")
    low_confidence_turns = models.PositiveSmallIntegerField(default=0)
    handoff_reason = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["state", "-updated_at"], name="conversation_state_idx")]

    def __str__(self) -> str:
        return f"conversation {self.pk} ({self.channel})"


class ConversationMessage(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    speaker = models.CharField(max_length=10, choices=Speaker.choices)
    body = models.TextField()
    # What the assistant decided and why, for the transcript, the reports and the agent.
    action = models.CharField(max_length=12, blank=True)
    reason = models.CharField(max_length=40, blank=True)
    intent = models.CharField(max_length=30, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    citations = models.JSONField(default=list, blank=True)
    tool = models.CharField(max_length=20, blank=True)
    composer = models.CharField(max_length=12, choices=Composer.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Sent to the customer through the conversation's channel (email, Telegram); empty for the
    # customer's own messages and for pull channels (the widget), where the visitor fetches them.
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivery_error = models.CharField(max_length=200, blank=True)  # the last failure, without PII
    delivery_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.speaker}: {self.body[:40]}"


class ReplySuggestion(models.Model):
    """A reply the assistant suggested to an agent for a ticket's latest customer message, and
    what the agent did with it (inserted it into the reply box; how much of it the sent reply kept).
    """

    ticket = models.ForeignKey("support.Ticket", on_delete=models.CASCADE, related_name="reply_suggestions")
    for_message = models.ForeignKey("support.TicketMessage", on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=10, default="en")
    body = models.TextField()
    citations = models.JSONField(default=list, blank=True)
    confidence = models.FloatField(default=0.0)
    inserted_at = models.DateTimeField(null=True, blank=True)
    sent_message = models.ForeignKey(
        "support.TicketMessage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # How much of the suggestion the sent reply kept (0–1, difflib ratio); null until a reply.
    kept = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "for_message"], name="suggestion_per_message")
        ]

    def __str__(self) -> str:
        return f"suggestion for ticket {self.ticket_id}"


class EmailAutoReply(models.TextChoices):
    OFF = "off", _("Off")
    ACKNOWLEDGE = "acknowledge", _("Acknowledge")
    ANSWER = "answer", _("Acknowledge, and answer when the help center is confident")


class AssistantSettings(models.Model):
    """The shop's assistant settings: one row (pk 1), edited by admins on /settings/assistant/."""

    # Off until an admin switches it on: it sends mail to customers.
    email_auto_reply = models.CharField(
        max_length=12, choices=EmailAutoReply.choices, default=EmailAutoReply.OFF
    )
    # Every conversation goes to a person; SMARTCRM_ASSISTANT_ALWAYS_HAND_OFF=1 forces it on.
    always_hand_off = models.BooleanField(default=False)
    telegram_enabled = models.BooleanField(default=False)
    telegram_bot_token = EncryptedTextField(blank=True)
    # Telegram sends it back in X-Telegram-Bot-Api-Secret-Token with every update; new per token.
    telegram_webhook_secret = EncryptedTextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "assistant settings"

    def __str__(self) -> str:
        return "assistant settings"

    @property
    def telegram_bot_id(self) -> str:
        """The bot's numeric id, the part of its token before the colon (not secret)."""
        return self.telegram_bot_token.split(":", 1)[0] if ":" in self.telegram_bot_token else ""
