"""Value-level checks and the fixes that repair them; pure functions of one value."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

from smartcrm.engine.dedup.normalise import KNOWN_DOMAINS

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_SPACES = re.compile(r"\s{2,}")
_DIGIT = re.compile(r"\d")


def email_is_valid(value: str) -> bool:
    return bool(_EMAIL.match(value.strip()))


def normalised_email(value: str) -> str:
    return value.strip().lower()


@lru_cache(maxsize=10_000)
def domain_typo_of(domain: str) -> str:
    """The big provider a domain is one edit away from ("gmial.com" -> "gmail.com"), or ""."""
    from rapidfuzz.distance import OSA

    domain = domain.lower()
    if domain in KNOWN_DOMAINS:
        return ""
    close = [d for d in KNOWN_DOMAINS if OSA.distance(domain, d, score_cutoff=1) <= 1]
    return close[0] if len(close) == 1 else ""


def phone_e164(value: str, region: str) -> str | None:
    """E.164 for a number that parses for ``region`` (or carries its country code), else None."""
    try:
        parsed = phonenumbers.parse(value, region or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def trimmed(value: str) -> str:
    return _SPACES.sub(" ", value.strip())


def is_shouting_or_flat(value: str) -> bool:
    """All capitals or all lower case, in a Latin name of more than one letter (not CJK)."""
    letters = [c for c in value if c.isalpha()]
    if len(letters) < 2 or not all(c.isascii() for c in letters):
        return False
    return value.isupper() or value.islower()


def title_cased(value: str) -> str:
    """ "o'BRIEN-smith" -> "O'Brien-Smith": each part after a space, hyphen or apostrophe."""
    out, upper_next = [], True
    for ch in value.strip():
        out.append(ch.upper() if upper_next else ch.lower())
        upper_next = ch in " -'’"
    return "".join(out)


def has_digit(value: str) -> bool:
    return bool(_DIGIT.search(value))
