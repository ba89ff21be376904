"""The last check before an assistant reply leaves, whoever wrote it (the offline path or an LLM).

A reply is withheld when it holds:

- **another customer's data**: an email address, phone number or order number that belongs to
  a customer other than the conversation's identified one (every one, when nobody is
  identified), looked up the way the app finds customers (emails and phones by their keyed
  lookup hash, never decrypted). A number counts as an order reference when it reads like one
  (``#`` before it, an order word just before it, letters in it, or five digits or more), so
  an article's prices and years are not taken for somebody's order number; the assistant's own
  fixed wording (its example ``me@example.com #10023``) and the conversation's ticket number
  are not customer data;
- **a secret**: the Django secret key, the field-encryption and lookup keys, the identity-token
  secret or the LLM API key (any 16-character stretch of one, spaces ignored);
- **the LLM system prompt** (any eight consecutive words of it).

A withheld reply is replaced by a safe one ("I can't share that here"), and the event is
logged with the conversation id and the kinds of finding only, never the values.
Customer text and articles are hostile: this check does not trust the composer, the
retrieval or the tools to have been careful.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings

from smartcrm.core.pii import normalise_phone
from smartcrm.customers.models import Customer
from smartcrm.customers.selectors import find_customer_by_email
from smartcrm.engine.llm import SYSTEM_PROMPT, LLMConfig
from smartcrm.engine.nlp.pii import find_entities

from . import selectors
from .models import Conversation
from .replies import PHRASES

logger = logging.getLogger(__name__)

WITHHELD = {
    "en": "Sorry, I can't share that here. If you need help with your own order, send its number, or ask "
    "for a person at any time.",
    "zh-Hans": "抱歉，这部分信息我不能在这里提供。如需查询您自己的订单，请发送订单号，或随时要求转人工客服。",
}
SECRET_WINDOW = 16
PROMPT_SHINGLE = 8
WORD = re.compile(r"\w+")
# The dialogue's order-number pattern, bounded by ASCII letters and digits only, so a number
# glued to Chinese text (订单20077已发货) is still seen.
ORDER_NUMBER = re.compile(r"(?<![A-Za-z0-9_-])#?([A-Z]{0,4}-?\d{3,12})(?![A-Za-z0-9_-])", re.IGNORECASE)
ORDER_CUE = re.compile(r"(order|no\.?|number|订单|单号|编号)\W{0,3}$", re.IGNORECASE)
PLACEHOLDER = re.compile(r"\{\w+\}")
MIN_FIXED = 12  # shorter literal stretches of the phrases are left in (they say nothing)


@lru_cache(maxsize=1)
def _fixed_wording() -> tuple[str, ...]:
    """The literal stretches of the assistant's phrases, longest first."""
    parts = {
        part
        for phrase in PHRASES.values()
        for text in phrase.values()
        for part in PLACEHOLDER.split(text)
        if len(part.strip()) >= MIN_FIXED
    }
    return tuple(sorted(parts, key=len, reverse=True))


def _without_fixed_wording(text: str) -> str:
    for part in _fixed_wording():
        text = text.replace(part, " ")
    return text


def order_references(text: str) -> set[str]:
    """Numbers in ``text`` that read as order numbers (see the module docstring)."""
    found = set()
    for match in ORDER_NUMBER.finditer(text):
        number = match.group(1).upper()
        digits = sum(ch.isdigit() for ch in number)
        cue = ORDER_CUE.search(text[max(0, match.start() - 24) : match.start()])
        if match.group(0).startswith("#") or cue or digits >= 5 or not number.isdigit():
            found.add(number)
    return found


def _secrets() -> list[str]:
    values = [
        str(getattr(settings, name, "") or "")
        for name in (
            "SECRET_KEY",
            "SMARTCRM_FIELD_KEYS",
            "SMARTCRM_LOOKUP_KEY",
            "SMARTCRM_ASSISTANT_IDENTITY_SECRET",
        )
    ]
    config = LLMConfig.from_env()
    if config is not None:
        values.append(config.api_key)
    # A key ring ("k1:…,k2:…") also leaks key by key.
    values += [part.partition(":")[2] for part in str(settings.SMARTCRM_FIELD_KEYS or "").split(",")]
    return [v.strip() for v in values if len(v.strip()) >= 8]


def holds_a_secret(text: str, secrets: Iterable[str]) -> bool:
    squeezed = "".join(text.split())
    for secret in secrets:
        secret = "".join(secret.split())
        width = min(SECRET_WINDOW, len(secret))
        for start in range(len(secret) - width + 1):
            if secret[start : start + width] in squeezed:
                return True
    return False


@lru_cache(maxsize=1)
def _prompt_shingles() -> frozenset[tuple[str, ...]]:
    words = [w.lower() for w in WORD.findall(SYSTEM_PROMPT.replace("{language}", " "))]
    return frozenset(tuple(words[i : i + PROMPT_SHINGLE]) for i in range(len(words) - PROMPT_SHINGLE + 1))


def holds_the_system_prompt(text: str) -> bool:
    words = [w.lower() for w in WORD.findall(text)]
    shingles = _prompt_shingles()
    return any(
        tuple(words[i : i + PROMPT_SHINGLE]) in shingles for i in range(len(words) - PROMPT_SHINGLE + 1)
    )


def other_customers_data(text: str, customer: Customer | None, ticket_id: int | None = None) -> list[str]:
    """The kinds of other customers' data in ``text`` (``email``, ``phone``, ``order``)."""
    own = customer.pk if customer is not None else None
    text = _without_fixed_wording(text)
    found: list[str] = []
    entities = find_entities(text)
    for entity in entities:
        if entity.kind == "EMAIL":
            owner = find_customer_by_email(entity.text)
            if owner is not None and owner.pk != own:
                found.append("email")
        elif entity.kind == "PHONE":
            try:
                phone = normalise_phone(entity.text)
            except ValueError:
                continue
            if selectors.phone_belongs_to_another(phone, own):
                found.append("phone")
    numbers = order_references(text) | {
        e.text.replace(" ", "-").upper() for e in entities if e.kind == "ORDER"
    }
    numbers.discard(str(ticket_id))
    if numbers and selectors.orders_of_others(numbers, own):
        found.append("order")
    return sorted(set(found))


def findings(text: str, customer: Customer | None, ticket_id: int | None = None) -> list[str]:
    """What makes ``text`` unfit to send (empty: it may leave)."""
    found = other_customers_data(text, customer, ticket_id)
    if holds_a_secret(text, _secrets()):
        found.append("secret")
    if holds_the_system_prompt(text):
        found.append("system_prompt")
    return found


def screen(conversation: Conversation, body: str) -> tuple[str, list[str]]:
    """``body`` if it may leave, else the safe reply; and what was found."""
    found = findings(
        body, conversation.customer if conversation.identity_verified else None, conversation.ticket_id
    )
    if not found:
        return body, []
    logger.warning("assistant reply withheld in conversation %s: %s", conversation.pk, ", ".join(found))
    return WITHHELD.get(conversation.language, WITHHELD["en"]), found
