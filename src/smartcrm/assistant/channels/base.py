"""The one interface every channel implements.

A channel turns what arrives (an HTTP request's JSON, a mail's bytes) into an
:class:`InboundMessage`, and sends the assistant's and agents' messages back out with
:meth:`ChannelAdapter.deliver`. A *pull* channel (the website widget, the API) sends nothing:
the visitor's client fetches the messages, so its adapter's ``pushes`` is ``False`` and no
delivery job is started for it.

``deliver`` runs in a job after the commit (:mod:`.delivery`), once per message: the message's
``delivered_at`` records it, and a failure raises :class:`DeliveryFailed` with a reason that
holds no personal data (it is stored on the message and logged).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..models import Conversation, ConversationMessage


class DeliveryFailed(RuntimeError):
    """The channel could not send the message; the text is safe to store and to log (no PII)."""


@dataclass(frozen=True)
class InboundMessage:
    """One message a customer sent on a channel, before any conversation is looked up."""

    external_ref: str  # what the channel calls the thread: a Telegram chat id, a mail's Message-ID
    text: str
    language_hint: str = ""  # "en", "zh-Hans" or "" (the text decides)
    sender: dict[str, str] = field(default_factory=dict)  # hints only: email, name, username
    extra: dict[str, Any] = field(default_factory=dict)  # the channel's own: subject, In-Reply-To…


class ChannelAdapter:
    """Base class of the channel adapters; subclasses set ``channel`` and override what they do."""

    channel: ClassVar[str]
    pushes: ClassVar[bool] = True

    def parse_inbound(self, payload: Any) -> InboundMessage | None:
        """The customer's message in ``payload``, or ``None`` when it holds nothing to act on."""
        raise NotImplementedError(f"the {self.channel} channel receives no messages this way")

    def deliver(self, conversation: Conversation, message: ConversationMessage) -> None:
        """Send an assistant's or agent's message to the customer; raise DeliveryFailed if not sent."""
        raise NotImplementedError


class PullAdapter(ChannelAdapter):
    """A channel whose client fetches the conversation itself: delivering is nothing to do."""

    pushes = False

    def deliver(self, conversation: Conversation, message: ConversationMessage) -> None:
        return None


def language_of(hint: str) -> str:
    """The conversation language for a channel's hint (``zh-CN``, ``zh-hans``, ``en-GB``…)."""
    return "zh-Hans" if hint.lower().startswith("zh") else "en"
