"""The email channel's adapter: read an RFC 822 message, send a conversation's message by SMTP.

An email conversation belongs to one ticket (channel email). What leaves is plain text in the
customer's language, from the shop's support address (``DEFAULT_FROM_EMAIL``) to the ticket's
customer only, with ``[#<ticket>]`` in the subject and a Message-ID that names the ticket, so
that the customer's reply finds its ticket again (:mod:`.mail_in`). The assistant's own mail
carries ``Auto-Submitted: auto-replied`` (RFC 3834), so that well-behaved auto-responders do
not answer it back.
"""

from __future__ import annotations

import email
import email.policy
import html
import re
import smtplib
from email.message import EmailMessage as ParsedMessage
from email.utils import getaddresses, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.html import strip_tags

from ..models import Channel, Conversation, ConversationMessage, Speaker
from .base import ChannelAdapter, DeliveryFailed, InboundMessage
from .texts import say

TICKET_IN_SUBJECT = re.compile(r"\[#(\d{1,12})\]")
# Our Message-IDs: <smartcrm.t<ticket>.m<message>@domain>.
TICKET_IN_MESSAGE_ID = re.compile(r"<smartcrm\.t(\d{1,12})\.m\d+@")
REPLY_PREFIX = re.compile(r"^\s*((re|fwd?|aw|sv|回复|答复|转发)\s*[:：]\s*)+", re.IGNORECASE)
QUOTE_HEADER = re.compile(r"^(On .{0,200} wrote:|在 .{0,200}写道[:：]|-{2,} ?Original Message ?-{2,})\s*$")
MAX_TEXT = 50_000


def support_address() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "support@localhost"


def message_id(ticket_id: int, message_id: int) -> str:
    domain = support_address().rpartition("@")[2] or "localhost"
    return f"<smartcrm.t{ticket_id}.m{message_id}@{domain}>"


def plain_subject(subject: str) -> str:
    """The subject on one line, without ``Re:``/``回复：`` prefixes and our ``[#123]`` tag."""
    return " ".join(TICKET_IN_SUBJECT.sub("", REPLY_PREFIX.sub("", subject)).split())


def _body_text(parsed: ParsedMessage) -> str:
    part = parsed.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError):  # an unknown or lying charset
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return ""
    return html.unescape(strip_tags(content)) if part.get_content_subtype() == "html" else content


def without_quote(text: str) -> str:
    """The new words of a reply: stop at the quoted earlier mail (``On … wrote:``, ``>`` lines)."""
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if QUOTE_HEADER.match(line.strip()) or line.startswith(">"):
            break
        kept.append(line)
    return "\n".join(kept).strip() or text.strip()


class EmailAdapter(ChannelAdapter):
    channel = Channel.EMAIL

    def parse_inbound(self, payload: Any) -> InboundMessage | None:
        """An RFC 822 message (bytes, as Postfix pipes it) → the sender and the new text."""
        if not isinstance(payload, bytes | bytearray):
            return None
        parsed = email.message_from_bytes(bytes(payload), policy=email.policy.default)
        assert isinstance(parsed, ParsedMessage)
        name, address = parseaddr(str(parsed.get("From", "")))
        if "@" not in address:
            return None
        subject = str(parsed.get("Subject", "")).strip()
        text = without_quote(_body_text(parsed))[:MAX_TEXT]
        threading = [str(parsed.get("In-Reply-To", "")), str(parsed.get("References", ""))]
        references = [addr for _, addr in getaddresses(threading) if addr]
        auto = str(parsed.get("Auto-Submitted", "no")).strip().lower()
        precedence = str(parsed.get("Precedence", "")).strip().lower()
        return InboundMessage(
            external_ref=str(parsed.get("Message-ID", "")).strip()[:120],
            text=text or plain_subject(subject),
            sender={"email": address.strip(), "name": name.strip()},
            extra={
                "subject": subject,
                "in_reply_to": str(parsed.get("In-Reply-To", "")),
                "references": " ".join(references),
                # RFC 3834: never answer an automatic message (loops between auto-responders).
                "automatic": auto not in ("", "no")
                or precedence in ("bulk", "junk", "list")
                or "X-Autoreply" in parsed,
            },
        )

    def deliver(self, conversation: Conversation, message: ConversationMessage) -> None:
        ticket = conversation.ticket
        if ticket is None:
            raise DeliveryFailed("the email conversation has no ticket")
        recipient = ticket.customer.email
        if not recipient:
            raise DeliveryFailed("the ticket's customer has no email address")
        language = conversation.language
        body = message.body
        if message.speaker == Speaker.AGENT:
            body = f"{body}\n\n--\n{say('agent_footer', language, ticket=ticket.pk)}"
        headers = {"Message-ID": message_id(ticket.pk, message.pk)}
        thread = _thread(conversation, message)
        if thread:
            headers["In-Reply-To"] = thread[-1]
            headers["References"] = " ".join(thread[-10:])
        if message.speaker == Speaker.ASSISTANT:
            headers["Auto-Submitted"] = "auto-replied"
        mail = EmailMessage(
            subject=f"Re: {plain_subject(ticket.subject)} [#{ticket.pk}]",
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[recipient],
            headers=headers,
        )
        try:
            mail.send(fail_silently=False)
        except (smtplib.SMTPException, OSError) as exc:
            # The exception's text may quote the address back; keep its type only.
            raise DeliveryFailed(f"SMTP: {type(exc).__name__}") from exc


def _thread(conversation: Conversation, message: ConversationMessage) -> list[str]:
    """The Message-IDs this mail answers: the customer's first mail, then what we sent before."""
    ids = [conversation.external_ref] if conversation.external_ref.startswith("<") else []
    earlier = conversation.messages.filter(
        speaker__in=[Speaker.ASSISTANT, Speaker.AGENT], delivered_at__isnull=False, pk__lt=message.pk
    ).values_list("pk", flat=True)
    assert conversation.ticket_id is not None
    return ids + [message_id(conversation.ticket_id, pk) for pk in earlier]
