"""A conversation's writes: start it, identify the customer, take the customer's message and
answer it (or hand over), and bring an agent's reply back into it.

Each customer message is one turn (:func:`customer_says`): the language is read from the text,
the help center is searched, :func:`smartcrm.engine.dialogue.decide_turn` picks the move, and
the assistant's reply is stored beside the customer's with the reason, the citations and the
tool it used. Customer text is data: nothing in it is ever followed as an instruction.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from smartcrm.core.errors import ServiceValidationError
from smartcrm.core.events import announce
from smartcrm.customers.models import Customer
from smartcrm.customers.selectors import find_customer_by_email
from smartcrm.customers.services import create_customer
from smartcrm.engine.dialogue import Action, TurnContext, TurnDecision, decide_turn
from smartcrm.engine.dialogue.cues import order_numbers
from smartcrm.engine.llm import Source
from smartcrm.engine.nlp.language import detect_language
from smartcrm.knowledge.intent_matching import match_intent
from smartcrm.support.models import Priority, TicketChannel
from smartcrm.support.services import add_customer_message, open_ticket

from . import answers, guards, identity, shop_settings, tools
from .channels.delivery import deliver_later
from .compose import compose
from .models import Channel, Composer, Conversation, ConversationMessage, ConversationState, Speaker
from .replies import say
from .transcript import transcript

MAX_MESSAGE = 4000
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
LANGUAGES = {"zh": "zh-Hans", "en": "en"}


def start_conversation(
    *, channel: str = Channel.WIDGET, language: str = "en", external_ref: str = ""
) -> Conversation:
    if channel not in Channel.values:
        raise ServiceValidationError(
            {"channel": _("Must be one of: %(choices)s.") % {"choices": ", ".join(Channel.values)}}
        )
    language = "zh-Hans" if language.lower().startswith("zh") else "en"
    return Conversation.objects.create(channel=channel, language=language, external_ref=external_ref[:120])


def identify_with_token(*, conversation: Conversation, token: str) -> Customer:
    """Link the customer the shop's site vouches for (see :mod:`smartcrm.assistant.identity`)."""
    customer = identity.customer_from_token(token)
    conversation.customer, conversation.identity_verified = customer, True
    conversation.save(update_fields=["customer", "identity_verified", "updated_at"])
    return customer


def _reply(
    conversation: Conversation,
    body: str,
    decision: TurnDecision | None = None,
    *,
    composer: str = Composer.OFFLINE,
    **extra: object,
) -> ConversationMessage:
    """Store an assistant reply, once the guards have passed it (else their safe reply)."""
    fields = (
        {"action": decision.action.value, "reason": decision.reason, "tool": decision.tool or ""}
        if decision
        else {}
    )
    body, withheld = guards.screen(conversation, body)
    message = ConversationMessage.objects.create(
        conversation=conversation,
        speaker=Speaker.ASSISTANT,
        body=body,
        composer=Composer.GUARDED if withheld else composer,
        **fields,
        **extra,
    )
    deliver_later(message)  # through the conversation's channel, after the commit
    return message


def _try_identify(conversation: Conversation, text: str) -> bool | None:
    """True/False when the message offers an email and an order number; None when it does not."""
    emails, numbers = EMAIL.findall(text), order_numbers(EMAIL.sub(" ", text))
    if not emails or not numbers:
        return None
    failures = conversation.messages.filter(reason="identify_refused").count()
    if failures >= identity.MAX_ATTEMPTS:
        return False
    try:
        customer = identity.customer_from_order(emails[0], numbers[0])
    except identity.IdentityRefused:
        return False
    if conversation.identity_verified and conversation.customer_id != customer.pk:
        return False  # a verified conversation never turns into somebody else's
    conversation.customer = customer
    conversation.identity_verified = True
    conversation.save(update_fields=["customer", "identity_verified", "updated_at"])
    return True


def hand_off(conversation: Conversation, reason: str, guess: str = "") -> ConversationMessage:
    """Give the conversation to a person: a ticket with the transcript and the assistant's guess
    (or the new message on the ticket it already has), routed like any chat ticket."""
    language = conversation.language
    conversation.state, conversation.handoff_reason = ConversationState.HANDED_OFF, reason
    conversation.save(update_fields=["state", "handoff_reason", "updated_at"])
    decision = TurnDecision(Action.HANDOFF, reason)
    if conversation.customer is None:
        return _reply(conversation, say("handoff_needs_email", language), decision)
    if conversation.ticket is None:
        urgent = reason == "angry_or_urgent"
        first = conversation.messages.filter(speaker=Speaker.CUSTOMER).first()
        conversation.ticket = open_ticket(
            actor="assistant",
            customer=conversation.customer,
            subject=f"Chat: {first.body if first else 'conversation'}"[:200],
            body=transcript(conversation, guess=guess or reason),
            channel=TicketChannel.CHAT,
            priority=Priority.HIGH if urgent else Priority.NORMAL,
            language=language,
        )
        conversation.save(update_fields=["ticket", "updated_at"])
    announce(conversation, "smartcrm.teams.events.conversation_handed_off")  # the teams' rules
    return _reply(conversation, say("handoff", language, ticket=conversation.ticket.pk), decision)


@transaction.atomic
def customer_says(*, conversation: Conversation, text: str) -> ConversationMessage:
    """Store the customer's message and the assistant's answer to it; returns the answer."""
    text = text.strip()
    if not text:
        raise ServiceValidationError({"text": _("Write a message.")})
    if len(text) > MAX_MESSAGE:
        raise ServiceValidationError({"text": _("At most %(n)s characters.") % {"n": f"{MAX_MESSAGE:,}"}})
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.state == ConversationState.CLOSED:
        raise ServiceValidationError({"conversation": _("This conversation is closed; start a new one.")})
    detected = LANGUAGES.get(detect_language(text))
    if detected and detected != conversation.language:
        conversation.language = detected
        conversation.save(update_fields=["language", "updated_at"])
    ConversationMessage.objects.create(conversation=conversation, speaker=Speaker.CUSTOMER, body=text)
    language = conversation.language

    if conversation.state == ConversationState.HANDED_OFF:
        return _with_a_person(conversation, text)

    identified = _try_identify(conversation, text)
    if identified is False:
        refused = conversation.messages.filter(reason="identify_refused").count() + 1
        if refused >= identity.MAX_ATTEMPTS:
            return hand_off(conversation, "identity_not_confirmed")
        return _reply(
            conversation, say("identify_refused", language), TurnDecision(Action.IDENTIFY, "identify_refused")
        )

    found = answers.find_answer(text, language)
    intent = match_intent(text, language)
    decision = decide_turn(
        TurnContext(
            text=text,
            retrieved=found.retrieved,
            urgency_level=answers.urgency_level(text),
            identified=conversation.identity_verified,
            low_confidence_before=conversation.low_confidence_turns,
            always_hand_off=shop_settings.always_hand_off(),
            shop_intent=intent[0].name if intent else None,
            shop_intent_certain=bool(intent and intent[1].certain),
        )
    )
    if decision.low_confidence:
        conversation.low_confidence_turns += 1
        conversation.save(update_fields=["low_confidence_turns", "updated_at"])
    if identified and decision.action is not Action.TOOL:
        # The message only carried the identity: run the tool the customer asked for before.
        pending = conversation.messages.filter(action=Action.IDENTIFY, reason="needs_identity").last()
        if pending is not None and pending.tool:
            decision = TurnDecision(Action.TOOL, "identified", tool=pending.tool)
    if intent is not None and decision.reason == "shop_intent":
        shop_intent, match = intent
        return _reply(
            conversation, shop_intent.response, decision, intent=shop_intent.name, confidence=match.similarity
        )
    return _act(conversation, decision, found, text)


def _act(
    conversation: Conversation, decision: TurnDecision, found: answers.Found, text: str
) -> ConversationMessage:
    language = conversation.language
    if decision.action is Action.HANDOFF:
        return hand_off(conversation, decision.reason, guess=found.best_title)
    if decision.action is Action.IDENTIFY:
        return _reply(conversation, say("identify", language), decision)
    if decision.action is Action.TOOL:
        return _run_tool(conversation, decision, text)
    if decision.action is Action.ANSWER:
        sources = [
            Source("passage", str(c["title"]), passage)
            for c, passage in zip(found.citations, found.passages, strict=True)
        ]
        composed = compose(
            question=text, sources=sources, offline=found.answer_text(language), language=language
        )
        cited = [found.citations[n - 1] for n in composed.cited] or found.citations[:1]
        return _reply(
            conversation,
            composed.body,
            decision,
            composer=composed.composer,
            confidence=found.retrieved.confidence,
            citations=cited,
        )
    if found.citations:
        options = "\n".join(f"- {c['title']}" for c in found.citations[:3])
        return _reply(
            conversation, say("clarify", language) + "\n" + options, decision, citations=found.citations[:3]
        )
    return _reply(conversation, say("clarify_open", language), decision)


def _run_tool(conversation: Conversation, decision: TurnDecision, text: str) -> ConversationMessage:
    customer, language = conversation.customer, conversation.language
    if decision.tool == "open_ticket":
        if customer is None:
            return hand_off(conversation, "asked_for_a_ticket")
        ticket = open_ticket(
            actor="assistant", customer=customer, subject="Chat: ticket requested",
            body=transcript(conversation), channel=TicketChannel.CHAT, language=language,
        )  # fmt: skip
        conversation.ticket = ticket
        conversation.save(update_fields=["ticket", "updated_at"])
        return _reply(conversation, say("ticket_opened", language, ticket=ticket.pk), decision)
    assert customer is not None and conversation.identity_verified  # the policy asks first
    if decision.tool == "order_status":
        result = tools.order_status(conversation, customer, text)
    else:
        result, opened = tools.start_return(conversation, customer, text)
        if opened is not None:
            conversation.ticket = opened
            conversation.save(update_fields=["ticket", "updated_at"])
    composed = compose(
        question=text,
        sources=[Source("tool", str(decision.tool).replace("_", " "), result)],
        offline=result,
        language=language,
    )
    return _reply(conversation, composed.body, decision, composer=composed.composer)


def _with_a_person(conversation: Conversation, text: str) -> ConversationMessage:
    """Handed over: the message goes on the ticket (one is opened once an email is known)."""
    if conversation.customer is None:
        emails = EMAIL.findall(text)
        if not emails:
            return _reply(
                conversation,
                say("handoff_needs_email", conversation.language),
                TurnDecision(Action.HANDOFF, "needs_email"),
            )
        # A claimed address, not a verified one: enough to open a ticket (as an email would be),
        # never enough for an order tool; the transcript tells the agent so.
        conversation.customer = find_customer_by_email(emails[0]) or create_customer(
            actor="assistant", values={"email": emails[0], "first_name": emails[0].split("@")[0][:100]}
        )
        conversation.save(update_fields=["customer", "updated_at"])
        return hand_off(conversation, conversation.handoff_reason or "asked_for_a_person")
    if conversation.ticket is not None:
        add_customer_message(actor="assistant", ticket=conversation.ticket, body=text)
    return _reply(
        conversation,
        say("with_a_person", conversation.language),
        TurnDecision(Action.HANDOFF, "with_a_person"),
    )


def agent_replied(*, conversation: Conversation, body: str) -> ConversationMessage:
    """An agent's reply on the conversation's ticket, shown to the customer in the conversation."""
    message = ConversationMessage.objects.create(conversation=conversation, speaker=Speaker.AGENT, body=body)
    deliver_later(message)
    return message
