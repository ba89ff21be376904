"""Reading a text with the lexicon's hand-written cues: clauses, the aspects a clause mentions, its polarity.

A text is split into clauses at punctuation and at contrast words ("but", "但是"). A clause's
aspects are found with the bilingual term lists of :mod:`.lexicon`, and its polarity is the sum
of the lexicon's shop-specific cues, with negation ("not fast", "不快") flipping the cue that
follows within a few words.

Both the aspect sentiments (:mod:`.aspects`) and the lexicon fallback of the model
(:mod:`.lexicon_scorer`) read texts this way; it sits apart from both so that neither imports
the other (and :mod:`.model`, which uses both, imports neither back).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .lexicon import ASPECT_TERMS, ASPECTS, CONTRAST, NEGATIVE, NEGATORS, POSITIVE
from .text import clean, en_words

NEGATION_WINDOW = 3
_HAN = re.compile(r"[\u4e00-\u9fff]")
_SPLIT = re.compile(r"[.!?;,:，。！？；：、\n…~～]+")
_EN_CONTRAST = re.compile(r"\b(?:" + "|".join(CONTRAST["en"]) + r")\b", re.IGNORECASE)
_ZH_CONTRAST = re.compile("|".join(sorted(CONTRAST["zh"], key=len, reverse=True)))


def clauses(text: str) -> list[str]:
    """A text cut at punctuation and before contrast words; empty pieces dropped."""
    pieces: list[str] = []
    for part in _SPLIT.split(clean(text)):
        part = _ZH_CONTRAST.sub(
            lambda m: "\n" + m.group(0), _EN_CONTRAST.sub(lambda m: "\n" + m.group(0), part)
        )
        pieces.extend(piece.strip() for piece in part.split("\n"))
    return [piece for piece in pieces if piece]


@lru_cache(maxsize=1)
def _zh_table() -> tuple[dict[str, int], int]:
    """Chinese cue → 1 (positive), -1 (negative), 0 (negator), 2 (aspect or contrast word, no polarity).

    Aspect and contrast words are in the table so that longest match consumes them whole: the
    "快" in "快递" (courier) is no praise and the "不" in "不过" (but) negates nothing.
    """
    table: dict[str, int] = dict.fromkeys(CONTRAST["zh"], 2)
    for terms in ASPECT_TERMS.values():
        table.update(dict.fromkeys(terms["zh"], 2))
    table.update(dict.fromkeys(NEGATORS["zh"], 0))
    table.update(dict.fromkeys(NEGATIVE["zh"], -1))
    table.update(dict.fromkeys(POSITIVE["zh"], 1))
    return table, max(len(term) for term in table)


@lru_cache(maxsize=1)
def _en_table() -> tuple[dict[tuple[str, ...], int], int]:
    table: dict[tuple[str, ...], int] = {}
    for terms in ASPECT_TERMS.values():
        table.update({tuple(en_words(term)): 2 for term in terms["en"]})
    table.update({tuple(en_words(term)): 0 for term in NEGATORS["en"]})
    table.update({tuple(en_words(term)): -1 for term in NEGATIVE["en"]})
    table.update({tuple(en_words(term)): 1 for term in POSITIVE["en"]})
    return table, max(len(term) for term in table)


def _cues(text: str) -> list[int]:
    """The clause's cues in order (longest match first), as values of the cue tables."""
    found: list[int] = []
    if _HAN.search(text):
        zh_table, longest = _zh_table()
        i = 0
        lowered = text.lower()
        while i < len(lowered):
            for size in range(min(longest, len(lowered) - i), 0, -1):
                value = zh_table.get(lowered[i : i + size])
                if value is not None:
                    found.append(value)
                    i += size
                    break
            else:
                found.append(3)  # a character that is no cue: distance for the negation window
                i += 1
    tokens = en_words(text)
    en_table, longest_en = _en_table()
    j = 0
    while j < len(tokens):
        for size in range(min(longest_en, len(tokens) - j), 0, -1):
            value = en_table.get(tuple(tokens[j : j + size]))
            if value is not None:
                found.append(value)
                j += size
                break
        else:
            found.append(3)
            j += 1
    return found


def lexicon_polarity(text: str) -> int:
    """Sum of the clause's polarity cues, each flipped by a negator up to NEGATION_WINDOW cues before."""
    total = 0
    since_negator = NEGATION_WINDOW + 1
    for value in _cues(text):
        if value == 0:
            since_negator = 0
            continue
        since_negator += 1
        if value in (1, -1):
            total += -value if since_negator <= NEGATION_WINDOW else value
            since_negator = NEGATION_WINDOW + 1
    return total


@lru_cache(maxsize=1)
def _aspect_patterns() -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
    """Per aspect: its Chinese terms, and its English terms as space-delimited word sequences."""
    return tuple(
        (
            aspect,
            ASPECT_TERMS[aspect]["zh"],
            tuple(" " + " ".join(en_words(term)) + " " for term in ASPECT_TERMS[aspect]["en"]),
        )
        for aspect in ASPECTS
    )


def mentioned_aspects(text: str) -> tuple[str, ...]:
    """The aspects whose terms the text contains: Chinese as substrings, English as whole words."""
    lowered = text.lower()
    joined = " " + " ".join(en_words(lowered)) + " "
    has_han = _HAN.search(lowered) is not None
    return tuple(
        aspect
        for aspect, zh_terms, en_terms in _aspect_patterns()
        if (has_han and any(term in lowered for term in zh_terms)) or any(term in joined for term in en_terms)
    )
