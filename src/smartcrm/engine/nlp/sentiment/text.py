"""Text clean-up and tokenisation shared by the sentiment models.

Customer text arrives as HTML, with entities, with megabytes pasted in, or empty. Every text is
unescaped, stripped of tags, whitespace-collapsed and cut to its first ``HEAD_CHARS`` and last
``TAIL_CHARS`` characters (the opening and the verdict of a long review carry its sentiment) so
one pasted log cannot stall a batch. Chinese is segmented with jieba; English keeps words with
apostrophes and negation contractions ("didn't").
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

HEAD_CHARS = 3000
TAIL_CHARS = 1000

_TAG = re.compile(r"<[^>]{0,500}>")
_SPACE = re.compile(r"\s+")
_EN_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[!?]")


def clean(text: object) -> str:
    """One text made safe to analyse: plain, single-spaced, bounded in length."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    value = str(text)
    if len(value) > 4 * (HEAD_CHARS + TAIL_CHARS):
        value = value[: 2 * HEAD_CHARS] + " " + value[-2 * TAIL_CHARS :]
    value = _TAG.sub(" ", html.unescape(value))
    value = _SPACE.sub(" ", value).strip()
    if len(value) > HEAD_CHARS + TAIL_CHARS:
        value = value[:HEAD_CHARS] + " " + value[-TAIL_CHARS:]
    return value


def clean_all(texts: Iterable[object]) -> list[str]:
    return [clean(text) for text in texts]


_jieba_ready = False


def _jieba() -> Any:
    global _jieba_ready
    import jieba

    if not _jieba_ready:
        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        _jieba_ready = True
    return jieba


@lru_cache(maxsize=50_000)
def zh_words(text: str) -> tuple[str, ...]:
    """jieba's words of a Chinese (or mixed) text, lower-cased, without whitespace tokens.

    Memoised: stacking, cross-validation and aspect scoring segment the same texts repeatedly.
    """
    return tuple(word for word in _jieba().lcut(text.lower(), HMM=False) if word.strip())


def en_words(text: str) -> tuple[str, ...]:
    """Lower-cased English words (contractions kept whole) and ``!``/``?`` marks."""
    return tuple(_EN_TOKEN.findall(text.lower()))


def words(text: str, lang: str) -> tuple[str, ...]:
    return zh_words(text) if lang == "zh" else en_words(text)


def identity(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Analyzer for vectorizers fed pre-tokenised documents (module-level so models pickle)."""
    return tokens
