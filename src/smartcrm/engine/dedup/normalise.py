"""Normalised matching keys for customer records: folded names, canonical emails, E.164 phones.

Every function here works on plaintext in memory and returns derived keys only; nothing is
logged. Values repeat a lot in real customer tables (cities, surnames, domains), so each
normaliser runs once per distinct value and the result is mapped back.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

import pandas as pd
import phonenumbers
from rapidfuzz.distance import OSA

from smartcrm.engine.dedup.nicknames import canonical_given_name

INPUT_COLUMNS = (
    "id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "street_address",
    "city",
    "postal_code",
    "country",
)
OPTIONAL_COLUMNS = ("name",)

# Providers whose addresses are shared by millions: a typo of one of them is corrected.
KNOWN_DOMAINS = (
    "gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com", "icloud.com", "aol.com",
    "msn.com", "me.com", "protonmail.com", "gmx.de", "web.de", "yahoo.co.uk", "hotmail.co.uk",
    "qq.com", "163.com", "126.com", "sina.com", "foxmail.com", "yeah.net", "mail.ru", "yandex.ru",
)  # fmt: skip
DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}
# Providers that ignore dots in the local part (so j.doe@ and jdoe@ are one mailbox).
DOTLESS_DOMAINS = frozenset({"gmail.com"})

ADDRESS_ABBREVIATIONS = {
    "street": "st", "str": "st", "avenue": "ave", "av": "ave", "road": "rd", "lane": "ln",
    "drive": "dr", "court": "ct", "boulevard": "blvd", "place": "pl", "square": "sq",
    "highway": "hwy", "parkway": "pkwy", "terrace": "ter", "apartment": "apt", "suite": "ste",
    "north": "n", "south": "s", "east": "e", "west": "w", "floor": "fl", "unit": "apt", "no": "",
    "number": "",
}  # fmt: skip

_CJK = re.compile(r"[\u3400-\u9fff]")
_NOT_WORD = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


@lru_cache(maxsize=50_000)
def _char_pinyin(char: str) -> str:
    """Toneless pinyin of one character (pypinyin's phrase segmentation costs ~0.5 ms a call;
    names are short and read character by character, so a per-character cache is enough)."""
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(char))


def fold_name(text: str) -> str:
    """Lower-case ASCII form of a name part: accents dropped, Hanzi spelled in toneless pinyin
    (one field's syllables joined, as Chinese given names are romanised: 秀英 -> xiuying)."""
    text = text.strip()
    if not text:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    if has_cjk(text):
        return " ".join("".join(_char_pinyin(ch) for ch in word) for word in text.split()).lower()
    text = _strip_accents(text).lower()
    text = text.replace("'", "").replace("’", "").replace("-", "")
    text = _NOT_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def split_display_name(name: str) -> tuple[str, str]:
    """(first, last) from a display name when the parts are missing: 王伟 -> (伟, 王)."""
    name = name.strip()
    if not name:
        return "", ""
    if has_cjk(name) and " " not in name:
        return name[1:], name[:1]
    first, _, last = name.rpartition(" ")
    return (first, last) if first else ("", last)


def normalise_email(value: str) -> tuple[str, str, str]:
    """(key, local part, domain). The key drops +tags, dots for Gmail, and corrects a domain one
    edit away from a big provider; an address without ``@`` gives empty strings."""
    value = value.strip().lower()
    local, at, domain = value.rpartition("@")
    if not at or not local or "." not in domain:
        return "", "", ""
    domain = DOMAIN_ALIASES.get(domain, domain)
    if domain not in KNOWN_DOMAINS:
        domain = _correct_domain(domain)
    local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        local = local.replace(".", "")
    if not local:
        return "", "", ""
    return f"{local}@{domain}", local, domain


@lru_cache(maxsize=100_000)
def _correct_domain(domain: str) -> str:
    close = [d for d in KNOWN_DOMAINS if OSA.distance(domain, d, score_cutoff=1) <= 1]
    return close[0] if len(close) == 1 else domain


def normalise_phone(value: str, region: str) -> str:
    """E.164, or "" for a number that does not parse for the region (never a guess)."""
    value = value.strip()
    if not value:
        return ""
    if _E164.match(value):
        return value
    try:
        parsed = phonenumbers.parse(value, region or None)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(parsed):
        return ""
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalise_address(value: str) -> str:
    text = value.strip().lower()
    if not text:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    if not has_cjk(text):
        text = _strip_accents(text)
    text = _NOT_WORD.sub(" ", text.replace("#", " "))
    words = [ADDRESS_ABBREVIATIONS.get(w, w) for w in text.split()]
    return " ".join(w for w in words if w)


def address_numbers(address: str) -> str:
    return " ".join(_DIGITS.findall(address))


def _map_unique(series: pd.Series, fn: Callable[[str], object]) -> pd.Series:
    values = series.fillna("").astype(str)
    uniques = pd.unique(values)
    table = {u: fn(u) for u in uniques}
    return values.map(table)


def normalise_frame(customers: pd.DataFrame, default_region: str = "US") -> pd.DataFrame:
    """The matching keys of each customer, one row per input row, index kept.

    Columns: ``first``, ``last`` (folded; a leading diminutive canonicalised in either part, as
    parts get swapped),
    ``name_key`` (both parts' tokens sorted, so swapped parts agree), ``email_key``,
    ``email_local``, ``email_domain``, ``phone`` (E.164), ``address``, ``address_numbers``,
    ``postcode``, ``city``.
    """
    missing = [c for c in INPUT_COLUMNS if c not in customers.columns]
    if missing:
        raise ValueError(f"customer frame lacks columns: {', '.join(missing)}")
    frame = customers.fillna("")
    first_raw = frame["first_name"].astype(str)
    last_raw = frame["last_name"].astype(str)
    if "name" in frame.columns:
        no_parts = (first_raw.str.strip() == "") & (last_raw.str.strip() == "")
        if no_parts.any():
            split = frame.loc[no_parts, "name"].astype(str).map(split_display_name)
            first_raw = first_raw.copy()
            last_raw = last_raw.copy()
            first_raw[no_parts] = split.str[0]
            last_raw[no_parts] = split.str[1]
    out = pd.DataFrame(index=customers.index)
    out["first"] = _map_unique(first_raw, lambda v: _canonical_first(fold_name(v)))
    out["last"] = _map_unique(last_raw, lambda v: _canonical_first(fold_name(v)))
    out["name_key"] = [
        " ".join(sorted(f"{f} {la}".split())) for f, la in zip(out["first"], out["last"], strict=True)
    ]
    email = _map_unique(frame["email"], normalise_email).tolist()
    out["email_key"] = [e[0] for e in email]
    out["email_local"] = [e[1] for e in email]
    out["email_domain"] = [e[2] for e in email]
    country = frame["country"].astype(str).str.upper().str.strip()
    regions = country.where(country.str.len() == 2, default_region)
    phone_in = frame["phone"].astype(str).str.replace("|", "", regex=False) + "|" + regions
    out["phone"] = _map_unique(phone_in, lambda v: normalise_phone(*v.rsplit("|", 1)))
    out["address"] = _map_unique(frame["street_address"], normalise_address)
    out["address_numbers"] = _map_unique(out["address"], address_numbers)
    out["postcode"] = _map_unique(frame["postal_code"], lambda v: re.sub(r"\s+", "", v).upper())
    out["city"] = _map_unique(frame["city"], fold_name)
    return out


def _canonical_first(folded: str) -> str:
    head, _, rest = folded.partition(" ")
    head = canonical_given_name(head)
    return f"{head} {rest}" if rest else head
