"""Entities and personal data in customer text: find them, and redact them readably.

Kinds found (each an :class:`Entity` with character offsets):

* ``EMAIL`` — addresses with plus-tags, dots, accented local parts and internationalised
  domains, also inside ``<…>`` or glued to Chinese text (``邮箱a@b.com谢谢``);
* ``PHONE`` — international (``+``/``00``), E.164 and national formats (spaces, dashes, dots,
  parentheses, ``+44 (0)20…``), Chinese mobiles (``1[3-9]x xxxx xxxx``) and landlines; every
  candidate must be a *valid* number for its region in Google's libphonenumber metadata
  (``phonenumbers``), which is what rejects most look-alikes (dates, prices, references);
* ``CARD`` — 13–19 digits, grouped or not, with a card-scheme prefix and a valid Luhn check;
* ``IBAN`` — country code, check digits, mod-97 verified;
* ``ORDER`` — the shop's order numbers (``SO-00001234``), kept visible when redacting;
* ``ADDRESS`` — street addresses (English: number + street + suffix, unit, city, postcode;
  Chinese: province/city … 路/街 … 号 …室);
* ``PERSON`` — names after a cue (title, "my name is", a signature, 姓名/收件人, 先生/女士) or
  a known first name followed by a capitalised word; best effort, not a PII guarantee.

Why our own candidate search instead of ``phonenumbers.PhoneNumberMatcher``: the matcher takes
one default region per call (it misses ``13812345678`` in English text unless run again for
CN), costs ~1.3 ms per text, and knows nothing of cards, order numbers or the shop's context
words. We keep libphonenumber for what it is best at: deciding whether digits are a number.
Measured on the generated corpus (``smartcrm eval pii``), see docs/models/nlp.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

KINDS = ("EMAIL", "PHONE", "CARD", "IBAN", "ORDER", "ADDRESS", "PERSON")
REDACTED_BY_DEFAULT = frozenset({"EMAIL", "PHONE", "CARD", "IBAN", "ADDRESS", "PERSON"})
PLACEHOLDERS = {kind: f"[{'NAME' if kind == 'PERSON' else kind}]" for kind in KINDS}
# Regions tried, in order, for numbers written without a country code. Chinese text tries CN
# first. Keep the list short: every extra region is another chance for a reference number to
# look like somebody's phone.
DEFAULT_REGIONS = ("US", "GB", "CN", "AU", "DE", "FR")


@dataclass(frozen=True, slots=True)
class Entity:
    kind: str
    start: int
    end: int
    text: str


# -- e-mail ------------------------------------------------------------------------------------

_LATIN = "A-Za-z0-9\u00c0-\u024f"
_EMAIL = re.compile(
    rf"(?<![{_LATIN}._%+\-])"
    rf"[{_LATIN}](?:[{_LATIN}._%+\-']{{0,62}}[{_LATIN}_\-])?"
    r"@"
    # domain labels (Latin, accented or CJK for IDNs), then an ASCII TLD not followed by more
    # ASCII letters (so "a@b.com谢谢" stops at "com") or a non-ASCII TLD.
    r"(?:[A-Za-z0-9\u00c0-\u024f\u4e00-\u9fff](?:[A-Za-z0-9\u00c0-\u024f\u4e00-\u9fff\-]{0,61}"
    r"[A-Za-z0-9\u00c0-\u024f\u4e00-\u9fff])?\.)+"
    r"(?:[A-Za-z]{2,24}(?![A-Za-z0-9\-])|xn--[a-z0-9\-]{2,59}|[\u4e00-\u9fff]{2,6}(?![\u4e00-\u9fff]))",
)


def _emails(text: str) -> list[Entity]:
    out = []
    for m in _EMAIL.finditer(text):
        start, end = m.span()
        value = m.group()
        if ".." in value or value.split("@")[0].endswith("."):
            continue
        out.append(Entity("EMAIL", start, end, value))
    return out


# -- cards and IBAN ----------------------------------------------------------------------------

_CARD_CANDIDATE = re.compile(r"(?<![A-Za-z0-9\-+./])\d{2,6}(?:[ \-]\d{2,6}){1,6}(?![A-Za-z0-9\-/]|\.\d)|"
                             r"(?<![A-Za-z0-9\-+./])\d{13,19}(?![A-Za-z0-9\-/]|\.\d)")  # fmt: skip
_CARD_PREFIX = re.compile(r"^(?:4|5[1-5]|2[2-7]|3[47]|3[068]|35|6011|64[4-9]|65|62|81)")


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def is_card_number(digits: str) -> bool:
    return 13 <= len(digits) <= 19 and bool(_CARD_PREFIX.match(digits)) and luhn_ok(digits)


def _cards(text: str) -> list[Entity]:
    out = []
    for m in _CARD_CANDIDATE.finditer(text):
        groups = list(re.finditer(r"\d+", m.group()))
        # The longest run of whole groups that is a card: "4111 1111 1111 1111 12" keeps 16.
        found = None
        for i in range(len(groups)):
            for j in range(len(groups), i, -1):
                digits = "".join(g.group() for g in groups[i:j])
                if len(digits) < 13:
                    break
                if is_card_number(digits):
                    found = (m.start() + groups[i].start(), m.start() + groups[j - 1].end())
                    break
            if found:
                break
        if found:
            out.append(Entity("CARD", found[0], found[1], text[found[0] : found[1]]))
    return out


_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![A-Za-z0-9])")


def iban_ok(value: str) -> bool:
    s = value.replace(" ", "")
    if not 15 <= len(s) <= 34:
        return False
    moved = s[4:] + s[:4]
    return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


def _ibans(text: str) -> list[Entity]:
    return [Entity("IBAN", m.start(), m.end(), m.group()) for m in _IBAN.finditer(text) if iban_ok(m.group())]


# -- order numbers -----------------------------------------------------------------------------

_ORDER = re.compile(r"(?<![A-Za-z0-9])SO[- ]?\d{4,10}(?![0-9])", re.IGNORECASE)


def _orders(text: str) -> list[Entity]:
    return [Entity("ORDER", m.start(), m.end(), m.group()) for m in _ORDER.finditer(text)]


# -- phones ------------------------------------------------------------------------------------

_PHONE_CANDIDATE = re.compile(
    r"(?<![A-Za-z0-9_@#$€£¥%+＋\-/.:,])"
    r"(?:[(（][+＋]?\d{1,4}[)）][ ]?|[+＋][ ]?|00[ ]?)?"
    r"(?:\(\d{1,5}\)|\d{1,5})"
    r"(?:(?:[ ]?[\-.][ ]?|[ ]{1,2}|(?=\())(?:\(\d{1,5}\)|\d{1,6})|\d){0,8}"
    r"(?![A-Za-z0-9_@%]|[.,:]\d|[\-/]\d)"
)
_DATE_LIKE = re.compile(
    r"^(?:\d{4}[\-./ ]\d{1,2}[\-./ ]\d{1,2}|\d{1,2}[\-./ ]\d{1,2}[\-./ ]\d{2,4}"
    r"|\d{4}[\-. ]?\d{2}[\-. ]?\d{2})$"
)
_IP_LIKE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
# "4.0.3.23072": a dotted number with a one-digit group is a version or build, not a national
# phone number (dotted phones group 2-4 digits: 415.555.2671, 01.23.45.67.89).
_DOTTED_VERSION = re.compile(r"^(?=.*(?:^|\.)\d(?:\.|$))\d+(?:\.\d+)+$")
# Words before a number that make it something other than a phone number.
_NOT_PHONE_BEFORE = re.compile(
    r"(?:(?<![A-Za-z])(?:order|tracking|track|parcel|shipment|waybill|invoice|inv|ref|reference|receipt|ticket|case|sku|"
    r"isbn|serial|s/n|model|version|ver|v|build|account|acct|iban|bic|swift|card|transaction|txn|id|no)|"
    r"订单号?|单号|快递|运单|物流|发票|流水号|编号|卡号|账号|版本|型号|序列号|条码)"
    r"[\s:：#.\-]*(?:number|no\.?|num|号|码|[:：#])?[\s:：#.\-]*(?:(?:is|was|=|是|为)[\s:：]*)?$",
    re.IGNORECASE,
)
_PHONE_CUE = re.compile(
    r"(?:phone|tel|telephone|mobile|cell|call|text|whatsapp|wechat|fax|ring|reach|contact|number|"
    r"电话|手机|联系|致电|打|座机|微信|号码|热线)",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u4e00-\u9fff]")


_FULL_WIDTH = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９＋"} | {ord("（"): "(", ord("）"): ")"}


@lru_cache(maxsize=65536)
def _valid_phone(raw: str, regions: tuple[str, ...]) -> bool:
    raw = raw.translate(_FULL_WIDTH)  # typed with a Chinese input method: （+86）１３８…
    digits = re.sub(r"\D", "", raw)
    if raw.lstrip().startswith("00") and not raw.lstrip().startswith("00 0"):
        candidates: Sequence[tuple[str, str | None]] = [("+" + digits[2:], None)]
    elif raw.lstrip().startswith(("+", "(+")):
        candidates = [("+" + digits, None)]
    else:
        candidates = [(raw, r) for r in regions]
    for value, region in candidates:
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number) and (
            region is None or _written_nationally(value, region, number)
        ):
            return True
    return False


def _written_nationally(raw: str, region: str, number: phonenumbers.PhoneNumber) -> bool:
    """Whether ``raw`` is written the way people write a national number in ``region``.

    Outside North America national numbers start with the trunk prefix 0 (020 7946 0958,
    030 123456, 010-6512 3456); a 12-digit reference that happens to be a valid German number
    once a 0 is imagined in front is not somebody's phone. Chinese mobiles are dialled without it.
    """
    if region == "US":
        return True
    if raw.lstrip("( ").startswith("0"):
        return True
    return region == "CN" and phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE


def _phone_regions(text: str) -> tuple[str, ...]:
    if _CJK.search(text):
        return ("CN", *(r for r in DEFAULT_REGIONS if r != "CN"))
    return DEFAULT_REGIONS


def _phones(text: str, taken: list[tuple[int, int]]) -> list[Entity]:
    regions = _phone_regions(text)
    out = []
    for m in _PHONE_CANDIDATE.finditer(text):
        start, end = m.span()
        raw = m.group()
        if any(s < end and start < e for s, e in taken):
            continue
        international = raw.startswith(("+", "(+", "（+", "（＋", "＋")) or (
            raw.startswith("00") and len(re.sub(r"\D", "", raw)) > 9
        )
        before = text[max(0, start - 24) : start]
        if not international and _NOT_PHONE_BEFORE.search(before) and not _PHONE_CUE.search(before[-12:]):
            continue
        span = _longest_valid_prefix(raw, regions, international)
        if span is None:
            continue
        value = raw[:span].rstrip(" -.")
        out.append(Entity("PHONE", start, start + len(value), value))
    return out


def _longest_valid_prefix(raw: str, regions: tuple[str, ...], international: bool) -> int | None:
    """Length of the longest prefix of ``raw`` (cut at group boundaries) that is a valid number."""
    if len(re.sub(r"\D", "", raw)) > 15:
        return None  # longer than any phone number (E.164): a card-like, tracking or reference number
    if not international and (_DATE_LIKE.match(raw) or _IP_LIKE.match(raw) or _DOTTED_VERSION.match(raw)):
        return None
    # Cut only where a space separates groups: "call 020 7946 0958 2 items" keeps the number,
    # but "192.168.100.200" is never read as "192.168.100".
    cuts = [m.start() for m in re.finditer(r"(?<=[\d)]) +(?=[\d(])", raw)] + [len(raw)]
    for cut in reversed(cuts):
        part = raw[:cut]
        digits = re.sub(r"\D", "", part)
        if not 7 <= len(digits) <= 15:
            continue
        if not international and (_DATE_LIKE.match(part) or _IP_LIKE.match(part)):
            continue
        if not international and re.fullmatch(r"\d+", part) and len(digits) < 10:
            continue  # a bare short run of digits is a quantity, code or reference far more often
        if _valid_phone(part, regions):
            return cut
    return None


# -- addresses ---------------------------------------------------------------------------------

_EN_STREET_SUFFIX = (
    r"Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Court|Ct|Boulevard|Blvd|Way|Place|Pl|Terrace|"
    r"Close|Crescent|Square|Sq|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Trail|Row|Walk|Gardens|Hill|Park"
)
_EN_ADDRESS = re.compile(
    r"(?<![A-Za-z0-9])\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][A-Za-z'\-]+\.?\s+){1,3}"
    rf"(?:{_EN_STREET_SUFFIX})\b\.?"
    r"(?:,?\s*(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|#)\s*[A-Za-z0-9\-]+)?"
    r"(?:,?\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,2})?"
    r"(?:,?\s*(?:[A-Z]{2}\s+\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}|\d{4,5}))?"
)
# A run of Han text ending in street + number (+ building/unit/room); where it starts is decided
# afterwards by a cue word (地址, 寄到…) or the first known province/city name.
_ZH_ADDRESS = re.compile(
    r"[\u4e00-\u9fffA-Za-z0-9]{2,40}?(?:路|街|大道|巷|弄)"
    r"[0-9一二三四五六七八九十]{1,5}号"
    r"(?:[0-9A-Za-z一二三四五六七八九十\-]{1,5}(?:号楼|室|楼|层|单元|栋|座|幢))*"
)
_ZH_ADDRESS_CUE = re.compile(r"(?:收货地址|地址|住址|寄到|送到|寄往|发到|住在)")


@lru_cache(maxsize=1)
def _zh_places() -> tuple[str, ...]:
    from faker.providers.address.zh_CN import Provider

    places = {p.rstrip("省市") for p in Provider.provinces} | set(Provider.cities)
    return tuple(sorted(places, key=len, reverse=True))


def _addresses(text: str) -> list[Entity]:
    out = [Entity("ADDRESS", m.start(), m.end(), m.group().rstrip(", ")) for m in _EN_ADDRESS.finditer(text)]
    if _CJK.search(text):
        for m in _ZH_ADDRESS.finditer(text):
            start = _zh_address_start(m.group())
            if start is not None:
                out.append(Entity("ADDRESS", m.start() + start, m.end(), m.group()[start:]))
    return out


def _zh_address_start(span: str) -> int | None:
    """Where a Chinese address starts inside a greedy Han run: after the last cue word, else at
    the first known province or city name; ``None`` when neither is there (no evidence)."""
    cues = list(_ZH_ADDRESS_CUE.finditer(span))
    if cues:
        return cues[-1].end()
    positions = [i for i in (span.find(place) for place in _zh_places()) if i != -1]
    return min(positions) if positions else None


# -- person names ------------------------------------------------------------------------------

_CAP = r"(?:Mc|Mac|O'|D')?[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
_EN_NAME_CUES = re.compile(
    rf"(?:\b(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+(?P<a>{_CAP}(?:\s{_CAP})?)"
    rf"|\b(?:[Mm]y name is|[Nn]ame:|[Tt]his is|[Ss]igned,?)\s+(?P<b>{_CAP}(?:\s{_CAP}){{0,2}})"
    rf"|(?:^|\n)\s*(?:Regards|Best regards|Kind regards|Thanks|Thank you|Cheers|Best|Sincerely),?\s*\n?\s*"
    rf"(?P<c>{_CAP}(?:\s{_CAP})?)\s*$"
    rf"|\b(?P<d>{_CAP})\s+(?P<e>{_CAP})\b)",
    re.MULTILINE,
)
_ZH_NAME_CUES = re.compile(
    r"(?:姓名|联系人|收件人|收货人|客户|我叫|我是|名字是|名字叫)[:：\s]*(?P<a>[\u4e00-\u9fff]{2,3})"
    r"|(?P<b>[\u4e00-\u9fff]{1,3})(?=先生|女士|小姐|老师)"
    r"|(?<=[，,：:\s])(?P<c>[\u4e00-\u9fff]{2,3})(?=收(?:[，,。；;\s]|$))"
    r"|[（(](?P<d>[\u4e00-\u9fff]{2,3})[）)]"
)
_NOT_GIVEN = frozenset("的了是在我你他她们和与及就也都很请说要会先女老电手地邮谢收寄")


@lru_cache(maxsize=1)
def _first_names() -> frozenset[str]:
    from faker.providers.person.en_GB import Provider as GB
    from faker.providers.person.en_US import Provider as US

    return frozenset(US.first_names) | frozenset(GB.first_names_male) | frozenset(GB.first_names_female)


@lru_cache(maxsize=1)
def _surnames() -> tuple[str, ...]:
    from faker.providers.person.zh_CN import Provider

    return tuple(sorted(Provider.last_names, key=len, reverse=True))


def _zh_name(candidate: str, title_follows: bool) -> str | None:
    """``candidate`` if it reads as surname + a one- or two-character given name (before
    先生/女士 the surname alone is enough: 王先生)."""
    for surname in _surnames():
        if candidate.startswith(surname):
            if title_follows:
                return candidate
            given = candidate[len(surname) :]
            if 1 <= len(given) <= 2 and not any(ch in _NOT_GIVEN for ch in given):
                return candidate
    return None


def _persons(text: str) -> list[Entity]:
    out = []
    firsts = _first_names()
    for m in _EN_NAME_CUES.finditer(text):
        if m.group("d"):
            if m.group("d") not in firsts:
                continue
            start, end = m.start("d"), m.end("e")
        else:
            key = next(k for k in ("a", "b", "c", "d") if m.group(k))
            start, end = m.start(key), m.end(key)
            if key == "b" and text[start:end].split()[0] not in firsts:
                continue
        out.append(Entity("PERSON", start, end, text[start:end]))
    if _CJK.search(text):
        for m in _ZH_NAME_CUES.finditer(text):
            key = next(k for k in ("a", "b", "c", "d") if m.group(k))
            start, end = m.start(key), m.end(key)
            candidate = text[start:end]
            if key == "b":
                # "请王先生" → the surname starts somewhere in the last 1-3 characters.
                for k in range(len(candidate)):
                    if candidate[k:] and any(candidate[k:].startswith(s) for s in _surnames()):
                        start, candidate = start + k, candidate[k:]
                        break
                else:
                    continue
            for length in range(len(candidate), 1 if key == "a" else 0, -1):
                name = _zh_name(candidate[:length], key == "b")
                if name:
                    out.append(Entity("PERSON", start, start + len(name), name))
                    break
    return out


# -- putting it together -----------------------------------------------------------------------


def find_entities(text: str | None, kinds: Iterable[str] = KINDS) -> list[Entity]:
    """All entities of ``kinds`` in ``text``, sorted by position, without overlaps.

    Overlaps resolve by precedence: e-mail, IBAN and card before phone (a card's digits would
    otherwise also pass as a long phone number), order numbers before everything numeric,
    then the longer span.
    """
    if not text:
        return []
    wanted = set(kinds)
    found: list[Entity] = []
    if "@" in text:
        found += _emails(text)
    if any(ch.isdigit() for ch in text):
        found += _orders(text)
        found += _ibans(text)
        found += _cards(text)
        found += _phones(text, [(e.start, e.end) for e in found])
        if "ADDRESS" in wanted:
            found += _addresses(text)
    if "PERSON" in wanted:
        found += _persons(text)
    return _resolve([e for e in found if e.kind in wanted])


_PRECEDENCE = {"EMAIL": 0, "ORDER": 1, "IBAN": 2, "CARD": 3, "PHONE": 4, "ADDRESS": 5, "PERSON": 6}


def _resolve(entities: list[Entity]) -> list[Entity]:
    kept: list[Entity] = []
    for e in sorted(entities, key=lambda e: (_PRECEDENCE[e.kind], -(e.end - e.start), e.start)):
        if all(e.end <= k.start or k.end <= e.start for k in kept):
            kept.append(e)
    return sorted(kept, key=lambda e: e.start)


def redact(
    text: str | None, kinds: Iterable[str] = REDACTED_BY_DEFAULT, entities: list[Entity] | None = None
) -> str:
    """``text`` with each entity of ``kinds`` replaced by a readable placeholder (``[EMAIL]``)."""
    if not text:
        return text or ""
    wanted = set(kinds)
    entities = find_entities(text) if entities is None else entities
    parts, pos = [], 0
    for e in entities:
        if e.kind in wanted:
            parts.append(text[pos : e.start])
            parts.append(PLACEHOLDERS[e.kind])
            pos = e.end
    parts.append(text[pos:])
    return "".join(parts)
