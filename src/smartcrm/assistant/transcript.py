"""The conversation as a ticket shows it: each message with who said it, and the assistant's guess."""

from __future__ import annotations

from .models import Conversation, Speaker

LABELS = {Speaker.CUSTOMER: "Customer", Speaker.ASSISTANT: "Assistant", Speaker.AGENT: "Agent"}


def transcript(conversation: Conversation, guess: str = "") -> str:
    identity = "verified" if conversation.identity_verified else "claimed, not verified"
    lines = [
        f"Chat transcript ({conversation.get_channel_display()}, conversation {conversation.pk}; "
        f"customer identity {identity}):",
        "",
    ]
    lines += [f"{LABELS[Speaker(m.speaker)]}: {m.body}" for m in conversation.messages.all()]
    if guess:
        lines += ["", f"Assistant's guess: {guess}"]
    return "\n".join(lines)
