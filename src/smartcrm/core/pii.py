"""Normalisation, encryption and masking of the PII columns, through the configured keys."""

from __future__ import annotations

import phonenumbers
from django.conf import settings

from smartcrm.core.crypto import KeyRing, keyring_for, lookup_hash


def keyring() -> KeyRing:
    return keyring_for(settings.SMARTCRM_FIELD_KEYS)


def normalise_email(value: str) -> str:
    return value.strip().lower()


def normalise_phone(value: str, region: str | None = None) -> str:
    """Return the E.164 form of a phone number, or raise ValueError if it is not one."""
    try:
        parsed = phonenumbers.parse(value, region or settings.SMARTCRM_DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"not a phone number: {exc}") from exc
    if not phonenumbers.is_possible_number(parsed):
        raise ValueError("not a possible phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def hash_for_lookup(normalised_value: str) -> str:
    return lookup_hash(normalised_value, settings.SMARTCRM_LOOKUP_KEY)


def mask_email(value: str) -> str:
    local, _, domain = value.partition("@")
    if not domain:
        return "•••"
    return f"{local[:1]}•••@{domain}"


def mask_phone(value: str) -> str:
    return "•••" + value[-2:] if len(value) > 4 else "•••"


def mask_address(value: str) -> str:
    return "•••" if value else ""


# What free text (ticket messages, notes, reviews, conversations) has masked for a role without
# view_pii: the contact details and the payment numbers a customer writes into a message.
FREE_TEXT_KINDS = ("EMAIL", "PHONE", "CARD", "IBAN")


def mask_free_text(text: str) -> str:
    """``text`` with emails, phone numbers, card and account numbers replaced (``[EMAIL]``).

    The NLP engine's detector (measured by ``smartcrm eval pii``) finds them; it is imported on
    first use so that starting Django loads none of its tables.
    """
    if not text:
        return text
    from smartcrm.engine.nlp.pii import find_entities, redact

    return redact(text, FREE_TEXT_KINDS, find_entities(text, FREE_TEXT_KINDS))
