"""Spoken order numbers back to digits: "one one eight four", "double five", "oh" for zero.

Customers read order numbers digit by digit, and Whisper writes them either as words
("one one eight four") or as digits it groups at will ("118 4", "1-1-8-4"). Both become one run
of digits here. "oh" and "o" count as zero only beside another digit, so "oh, my order" stays
words; "double"/"triple" repeat the digit that follows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

DIGIT_WORDS = {
    "zero": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
ZERO_LETTERS = {"oh", "o"}
# Words Whisper writes for a digit it heard ("order to five seven", "double four to eight"): a
# digit only when a digit follows, so "order 12345 for my mother" keeps its "for".
HOMOPHONES = {"to": "2", "too": "2", "for": "4", "won": "1", "ate": "8"}
REPEATS = {"double": 2, "triple": 3}
MIN_ORDER_DIGITS = 4
# A pause this short (seconds) inside a number read out is a breath, not the end of a sentence.
MAX_DIGIT_PAUSE = 1.0
_SPOKEN_DIGIT = r"\d|zero|oh|one|two|three|four|five|six|seven|eight|nine"
_ENDS_WITH_DIGIT_STOP = re.compile(rf"(?:{_SPOKEN_DIGIT})\.$", re.IGNORECASE)
_STARTS_WITH_DIGIT = re.compile(rf"(?:{_SPOKEN_DIGIT}|double|triple)\b|\d", re.IGNORECASE)
# Words, digit groups and the joiners between digits ("1-1-8", "118,452", "91013.09"); anything
# else (a full stop with a space too: "I ordered two. Three came") ends a run.
TOKEN = re.compile(r"[a-z]+|\d+")
JOINERS = re.compile(r"^(?:[\s,\-]*|\.)$")


def _digits_of(tokens: list[str], i: int) -> tuple[str, int] | None:
    """The digits the token at ``i`` (and maybe the next one) stands for, and how many tokens it took."""
    word = tokens[i]
    if word.isdigit():
        return word, 1
    if word in DIGIT_WORDS:
        return DIGIT_WORDS[word], 1
    if word in REPEATS and i + 1 < len(tokens):
        following = _digits_of(tokens, i + 1)
        if following is not None and len(following[0]) == 1:
            return following[0] * REPEATS[word], 1 + following[1]
    return None


def _runs(text: str) -> list[tuple[str, int, int]]:
    """Runs of spoken or written digits: (digits, start, end) in ``text``."""
    lowered = text.lower()
    matches = list(TOKEN.finditer(lowered))
    tokens = [m.group(0) for m in matches]
    runs: list[tuple[str, int, int]] = []
    digits, start, end, i = "", -1, -1, 0
    while i < len(tokens):
        found = _digits_of(tokens, i)
        adjacent = bool(digits) and JOINERS.match(lowered[end : matches[i].start()]) is not None
        ahead = i + 1 < len(tokens) and _digits_of(tokens, i + 1) is not None
        if found is None and tokens[i] in ZERO_LETTERS and (adjacent or ahead):
            found = ("0", 1)
        if found is None and tokens[i] in HOMOPHONES and ahead:
            found = (HOMOPHONES[tokens[i]], 1)
        if found is not None and (adjacent or not digits):
            if not digits:
                start = matches[i].start()
            digits += found[0]
            end = matches[i + found[1] - 1].end()
            i += found[1]
            continue
        if digits:
            runs.append((digits, start, end))
            digits = ""
        if found is None:
            i += 1
    if digits:
        runs.append((digits, start, end))
    return runs


def find_spoken_order_numbers(text: str, min_digits: int = MIN_ORDER_DIGITS) -> list[str]:
    """Every run of at least ``min_digits`` digits, spoken or written, in reading order."""
    return [digits for digits, _, _ in _runs(text) if len(digits) >= min_digits]


def digits_in_words(text: str) -> str:
    """``text`` with every spoken or written digit run written as one number (for WER and search)."""
    out: list[str] = []
    last = 0
    for digits, start, end in _runs(text):
        out.append(text[last:start])
        out.append(digits)
        last = end
    out.append(text[last:])
    return "".join(out)


def join_segments(segments: Iterable[tuple[float, float, str]]) -> str:
    """The texts of Whisper's segments ``(start, end, text)`` joined with spaces; where a number
    read out was cut by a short pause ("my order is 7 0 4." then "8 7 6, and…"), the full stop
    Whisper put at the cut is dropped, so the digits stay one run."""
    text = ""
    last_end = None
    for start, end, piece in segments:
        piece = piece.strip()
        if not piece:
            continue
        if (
            last_end is not None
            and start - last_end <= MAX_DIGIT_PAUSE
            and _ENDS_WITH_DIGIT_STOP.search(text)
            and _STARTS_WITH_DIGIT.match(piece)
        ):
            text = text[:-1]
        text = f"{text} {piece}" if text else piece
        last_end = end
    return text


# A spoken number is matched to a customer's order with one edit at most only when the order
# number has this many digits: shorter ones are too close to each other to tell apart.
MIN_FUZZY_DIGITS = 5


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: digits dropped, added or misheard to turn ``a`` into ``b``."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def closest_order_number(heard: Iterable[str], orders: Iterable[str], max_distance: int = 1) -> str | None:
    """The one order among ``orders`` (a customer's own, as stored: "SO-00770704" or "770704") that
    a number ``heard`` names: its digits exactly (leading zeros aside), else within
    ``max_distance`` edits (a digit the recogniser dropped, added or misheard) when exactly one
    order is that close. None when none is, or when two are (never a guess between orders)."""
    # Leading zeros are the shop's padding ("SO-00770704"), not what a customer reads out.
    numbers = [n.lstrip("0") for n in heard if n.strip("0")]
    by_digits: dict[str, str] = {}
    for order in orders:
        digits = "".join(c for c in order if c.isdigit()).lstrip("0")
        if digits:
            by_digits.setdefault(digits, order)
    for number in numbers:
        if number in by_digits:
            return by_digits[number]
    close = {
        order
        for number in numbers
        for digits, order in by_digits.items()
        if len(digits) >= MIN_FUZZY_DIGITS and edit_distance(number, digits) <= max_distance
    }
    return close.pop() if len(close) == 1 else None
