"""Email in: a mail opens a ticket (or joins the one it answers), and the assistant acknowledges it.

Two ways in, one behaviour: ``smartcrm mail-in`` reads one RFC 822 message from standard input
(the way Postfix pipes a mail to a command) and the API's ``POST /api/v1/tickets`` with
``channel: email`` (a mail gateway of the shop's own). A mail that names a ticket of the same
sender — ``[#123]`` in the subject, or one of our Message-IDs in In-Reply-To/References — is
added to that ticket; any other mail opens a ticket for the sender (a customer is created for an
unknown address). A ticket naming somebody else's ticket opens a new one: the sender, not the
subject, decides whose thread a mail joins.

After the commit, :func:`auto_reply` acknowledges a new email ticket per the shop's switch
(:class:`~smartcrm.assistant.models.EmailAutoReply`) and, in ``answer`` mode, adds the help
center's answer with its cited article when the turn policy answers with confidence — so never
for an angry or urgent mail, nor when the sender asks for a person. Automatic mail (out-of-office
replies, lists) gets no reply. The text sent is kept on the ticket (a system message) and in the
ticket's email conversation, through which agents' replies go out by mail too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext

from smartcrm.attachments import owners
from smartcrm.attachments.mail import files_in_mail
from smartcrm.attachments.services import add_attachments
from smartcrm.core.errors import ServiceValidationError
from smartcrm.customers.models import Customer
from smartcrm.customers.selectors import find_customer_by_email
from smartcrm.customers.services import create_customer
from smartcrm.engine.dialogue import Action, TurnContext, decide_turn
from smartcrm.engine.nlp.language import detect_language
from smartcrm.support.models import AuthorKind, Ticket, TicketChannel, TicketMessage
from smartcrm.support.services import add_customer_message, add_system_message, open_ticket

from .. import answers, jobs, shop_settings
from ..models import Channel, Conversation, ConversationMessage, ConversationState, EmailAutoReply, Speaker
from .base import InboundMessage
from .delivery import deliver_later
from .email import TICKET_IN_MESSAGE_ID, TICKET_IN_SUBJECT, EmailAdapter, plain_subject, support_address
from .texts import say

ACTOR = "mail-in"
AUTOMATIC = "automatic_mail"  # the reason kept on an automatic mail's message: no auto-reply


@dataclass(frozen=True)
class Received:
    ticket: Ticket
    opened: bool  # False: added to an existing ticket


def ticket_arrived(ticket: Ticket) -> None:
    """A ticket was opened from an email (the API's way in): reply after the commit, per the shop."""
    if ticket.channel == TicketChannel.EMAIL:
        jobs.email_ticket_opened.on_commit(ticket.pk)


def _language(text: str, hint: str = "") -> str:
    if hint.lower().startswith("zh"):
        return "zh-Hans"
    return "zh-Hans" if detect_language(text) == "zh" else "en"


def _sender(inbound: InboundMessage) -> Customer:
    address = inbound.sender["email"]
    customer = find_customer_by_email(address)
    if customer is not None:
        return customer
    name = inbound.sender.get("name") or address.split("@")[0]
    return create_customer(actor=ACTOR, values={"email": address, "first_name": name[:100]})


def _ticket_named(inbound: InboundMessage, customer: Customer) -> Ticket | None:
    """The sender's own ticket this mail answers, by our Message-IDs first, then ``[#id]``."""
    ids = [int(m) for m in TICKET_IN_MESSAGE_ID.findall(inbound.extra.get("references", ""))]
    ids += [int(m) for m in TICKET_IN_SUBJECT.findall(inbound.extra.get("subject", ""))]
    for ticket_id in ids:
        ticket = Ticket.objects.filter(pk=ticket_id, customer=customer).first()
        if ticket is not None:
            return ticket
    references = inbound.extra.get("references", "").split()
    if references:
        earlier = Conversation.objects.filter(
            channel=Channel.EMAIL, customer=customer, external_ref__in=references, ticket__isnull=False
        ).first()
        if earlier is not None:
            return earlier.ticket
    return None


def email_conversation(ticket: Ticket, external_ref: str = "") -> Conversation:
    """The ticket's email conversation (made the first time): the thread mail goes out on."""
    conversation = Conversation.objects.filter(ticket=ticket, channel=Channel.EMAIL).first()
    if conversation is not None:
        return conversation
    first = ticket.messages.filter(author_kind=AuthorKind.CUSTOMER).first()
    return Conversation.objects.create(
        channel=Channel.EMAIL,
        language=_language(first.body if first else ticket.subject, ticket.language),
        customer=ticket.customer,
        ticket=ticket,
        state=ConversationState.HANDED_OFF,  # a ticket: people answer it, the assistant only helps
        handoff_reason="email_ticket",
        external_ref=external_ref,
    )


def _attach(raw: bytes, message: TicketMessage) -> None:
    """The mail's files go on the customer's message (a refused one is skipped, the mail kept)."""
    files = files_in_mail(raw)
    if files:
        add_attachments(actor=ACTOR, owner=owners.of_message(message), files=files, source="email")


@transaction.atomic
def receive_mail(raw: bytes) -> Received:
    """Open a ticket for the mail in ``raw`` or add it to the ticket it answers."""
    inbound = EmailAdapter().parse_inbound(raw)
    if inbound is None:
        raise ServiceValidationError({"mail": gettext("Not a mail with a sender's address.")})
    if not inbound.text.strip():
        raise ServiceValidationError({"mail": gettext("The mail has neither text nor a subject.")})
    if inbound.sender["email"].lower() == support_address().lower():
        raise ServiceValidationError({"mail": gettext("A mail from the support address itself (a loop?).")})
    customer = _sender(inbound)
    reason = AUTOMATIC if inbound.extra.get("automatic") else ""
    ticket = _ticket_named(inbound, customer)
    if ticket is not None:
        message = add_customer_message(actor=ACTOR, ticket=ticket, body=inbound.text)
        _attach(raw, message)
        conversation = email_conversation(ticket)
        ConversationMessage.objects.create(
            conversation=conversation, speaker=Speaker.CUSTOMER, body=inbound.text, reason=reason
        )
        return Received(ticket, opened=False)
    subject = plain_subject(inbound.extra.get("subject", "")) or inbound.text.strip().split("\n")[0]
    language = _language(f"{subject}\n{inbound.text}")
    ticket = open_ticket(
        actor=ACTOR,
        customer=customer,
        subject=subject[:200],
        body=inbound.text,
        channel=TicketChannel.EMAIL,
        language=language,
    )
    _attach(raw, ticket.messages.get())
    conversation = email_conversation(ticket, external_ref=inbound.external_ref)
    ConversationMessage.objects.create(
        conversation=conversation, speaker=Speaker.CUSTOMER, body=inbound.text, reason=reason
    )
    ticket_arrived(ticket)
    return Received(ticket, opened=True)


@transaction.atomic
def auto_reply(ticket_id: int) -> str:
    """Acknowledge new email ticket ``ticket_id`` (and answer it when confident), once."""
    locked = Ticket.objects.select_for_update(of=("self",)).select_related("customer")
    ticket = locked.filter(pk=ticket_id).first()
    if ticket is None or ticket.channel != TicketChannel.EMAIL:
        return "not an email ticket"
    conversation = email_conversation(ticket)
    if conversation.messages.filter(speaker=Speaker.ASSISTANT).exists():
        return "already acknowledged"
    first = ticket.messages.filter(author_kind=AuthorKind.CUSTOMER).first()
    if first is None:
        return "no message"
    asked = conversation.messages.filter(speaker=Speaker.CUSTOMER).first()
    if asked is None:  # opened through the API: the conversation starts with the ticket's mail
        asked = ConversationMessage.objects.create(
            conversation=conversation, speaker=Speaker.CUSTOMER, body=first.body
        )
    mode = shop_settings.current().email_auto_reply
    if mode == EmailAutoReply.OFF or asked.reason == AUTOMATIC:
        return "no auto-reply"
    language = conversation.language
    parts = [say("acknowledge", language, ticket=ticket.pk)]
    fields: dict[str, object] = {"action": "acknowledge", "reason": "email_ticket"}
    if mode == EmailAutoReply.ANSWER:
        text = f"{ticket.subject}\n{first.body}"
        found = answers.find_answer(text, language)
        decision = decide_turn(
            TurnContext(
                text=text,
                retrieved=found.retrieved,
                urgency_level=answers.urgency_level(text),
                identified=False,
                low_confidence_before=0,
                always_hand_off=shop_settings.always_hand_off(),
            )
        )
        fields["reason"] = decision.reason
        if decision.action is Action.ANSWER:
            parts += [say("answer_intro", language), found.answer_text(language)]
            parts.append(say("answer_outro", language))
            fields |= {
                "action": Action.ANSWER.value,
                "confidence": found.retrieved.confidence,
                "citations": found.citations[:1],
            }
    body = "\n\n".join([*parts, say("signature", language)])
    message = ConversationMessage.objects.create(
        conversation=conversation, speaker=Speaker.ASSISTANT, body=body, **fields
    )
    add_system_message(actor="assistant", ticket=ticket, body=body)
    deliver_later(message)
    return str(fields["action"])
