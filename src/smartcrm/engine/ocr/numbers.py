"""Order and tracking numbers in OCR text, forgiving the model's look-alike confusions.

OCR confuses look-alike characters: O and 0, S and 5, I/l and 1, B and 8, Z and 2. A plain
``SO-\\d{8}`` misses "S0-0001234S". Each number is described by a *format* where every position
is a literal letter, a digit or a letter; a position that must be a digit accepts the letters
that look like digits and reads them back as digits, and a literal letter accepts its
look-alike digits. Because the format fixes which positions are digits, "SO-O0012345" can only
be ``SO-00012345``.

**The demo shop's order numbers** are ``SO-`` and eight digits (``SO-00000042``): the orders
service numbers an order ``f"SO-{pk:08d}"`` and the synthetic shop and the bulk import do the
same. The default format is therefore ``SO-########``. A shop with another scheme passes its own
format: letters and punctuation literal, ``#`` a digit, ``@`` a letter, ``*`` a letter or digit.
"""

from __future__ import annotations

import re
from functools import lru_cache

DEFAULT_ORDER_FORMAT = "SO-########"

# Letters read for a digit, and digits read for a letter.
_AS_DIGIT = {"O": "0", "o": "0", "Q": "0", "D": "0", "I": "1", "l": "1", "i": "1", "|": "1", "!": "1",
             "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2", "G": "6", "b": "6", "T": "7"}  # fmt: skip
_AS_LETTER = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G", "7": "T", "4": "A"}
_SEPARATOR = r"[-‐‑–—_.~/ ]"  # hyphen, the dashes OCR returns for it, a slash, a dot or a gap
_DIGIT_CLASS = "[0-9" + re.escape("".join(_AS_DIGIT)) + "]"


def _letter_class(letter: str) -> str:
    upper = letter.upper()
    alike = [digit for digit, as_letter in _AS_LETTER.items() if as_letter == upper]
    return "[" + re.escape(upper + upper.lower() + "".join(alike)) + "]"


@lru_cache(maxsize=64)
def _compile(fmt: str, gaps: bool) -> tuple[re.Pattern[str], str]:
    """The tolerant regular expression of a format, and its position kinds (L, #, @, *, -)."""
    parts, kinds = [], []
    for char in fmt:
        if char == "#":
            parts.append(_DIGIT_CLASS)
            kinds.append("#")
        elif char == "@":
            parts.append("[A-Za-z0-9]")
            kinds.append("@")
        elif char == "*":
            parts.append("[A-Za-z0-9]")
            kinds.append("*")
        elif char.isalpha():
            parts.append(_letter_class(char))
            kinds.append("L")
        elif char.isdigit():
            parts.append(_DIGIT_CLASS)
            kinds.append("#")
        elif char in "-_ ./":
            parts.append(_SEPARATOR + "?")
            kinds.append("-")
        else:
            parts.append(re.escape(char))
            kinds.append("-")
    joiner = " ?" if gaps else ""
    body = "(" + f"){joiner}(".join(parts) + ")"
    return re.compile(rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])"), "".join(kinds)


def _canonical(fmt: str, kinds: str, groups: tuple[str | None, ...]) -> str | None:
    """The number as the format writes it, or None when the match is too unlike a real one."""
    out, real_digits, digit_slots, real_letters, letter_slots = [], 0, 0, 0, 0
    for template, kind, got in zip(fmt, kinds, groups, strict=True):
        value = got or ""
        if kind == "-":
            out.append(template)  # the format's own separator, whichever one OCR saw
        elif kind == "#":
            digit_slots += 1
            real_digits += value.isdigit()
            out.append(value if value.isdigit() else _AS_DIGIT[value])
            if template.isdigit() and out[-1] != template:
                return None
        elif kind == "L":
            letter_slots += 1
            real_letters += value.isalpha()
            out.append(template.upper())
        elif kind == "@":
            if not value.isalpha() and value not in _AS_LETTER:
                return None
            out.append(value.upper() if value.isalpha() else _AS_LETTER[value])
        else:
            out.append(value.upper())
    # Mostly look-alikes is a word, not a number ("SO-DOSSIBLE"); a prefix of digits only with no
    # dash ("50 12345678") is a price or a phone number.
    if digit_slots and real_digits * 2 < digit_slots:
        return None
    if (
        letter_slots
        and not real_letters
        and not any(g and g[0] in "-‐‑–—" for g, k in zip(groups, kinds, strict=True) if k == "-")
    ):
        return None
    return "".join(out)


def _find(text: str, fmt: str, *, gaps: bool = False) -> list[tuple[int, int, str]]:
    """(start, end, canonical number) of each match of ``fmt`` in ``text``."""
    pattern, kinds = _compile(fmt, gaps)
    found = []
    for match in pattern.finditer(text):
        number = _canonical(fmt, kinds, match.groups())
        if number is not None:
            found.append((match.start(), match.end(), number))
    return found


def _unique(found: list[tuple[int, int, str]]) -> list[str]:
    seen: dict[str, None] = {}
    for _, _, number in sorted(found):
        seen.setdefault(number, None)
    return list(seen)


def find_order_numbers(text: str, pattern: str | None = None) -> list[str]:
    """Order numbers in ``text`` (canonical form, first appearance first, no repeats).

    ``pattern`` is a format (see the module text), ``SO-########`` by default.
    """
    return _unique(_find(text, pattern or DEFAULT_ORDER_FORMAT))


# Carriers' formats: UPS, USPS (22 digits, printed in groups), the UPU S10 international code
# (EA123456789CN), SF Express, YTO, JD, JD's JJD parcels, Cainiao's LP numbers.
TRACKING_FORMATS: tuple[tuple[str, bool], ...] = (
    ("1Z******##########", False),
    ("9#####################", True),
    ("@@#########@@", False),
    ("SF#############", False),
    ("SF############", False),
    ("YT#############", False),
    ("JJD##################", False),
    ("JD#############", False),
    ("LP##############", False),
)
# Any other carrier: a code of 10-30 letters and digits right after a tracking cue.
_CUED = re.compile(
    r"(?:tracking|track|waybill|shipment|parcel|consignment|运单|快递单|物流单|单号)"
    r"(?:\s*(?:number|no\.?|num|#|号|码))?\s*[:：#]?\s*([A-Z0-9][A-Z0-9 -]{8,34}[A-Z0-9])",
    re.IGNORECASE,
)


def find_tracking_numbers(text: str) -> list[str]:
    """Parcel tracking numbers in ``text`` (canonical: upper case, no spaces), first seen first."""
    found: list[tuple[int, int, str]] = []
    for fmt, gaps in TRACKING_FORMATS:
        found.extend(_find(text, fmt, gaps=gaps))
    taken = [(start, end) for start, end, _ in found + _find(text, DEFAULT_ORDER_FORMAT)]
    for match in _CUED.finditer(text):
        start, end = match.span(1)
        code = re.sub(r"[ -]", "", match.group(1)).upper()
        overlaps = any(start < e and s < end for s, e in taken)
        if not overlaps and 10 <= len(code) <= 30 and sum(c.isdigit() for c in code) >= 8:
            found.append((start, end, code))
    return _unique(found)
