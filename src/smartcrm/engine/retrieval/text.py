"""Tokens for lexical scoring in English and Chinese, and for mixed-language text.

Text is NFKC-normalised (full-width letters and digits become ASCII), lower-cased and
stripped of accents. Runs of Chinese characters are segmented with jieba in search mode (words
and their sub-words) plus the single characters, so a misspelt or unsegmented query still
meets the passage; runs of Latin letters and digits become words with a light English
stemmer. A query in either language, or mixing both, is tokenised the same way.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache

_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+(?:['’][a-z]+)?")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

EN_STOP = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "could",
        "do",
        "does",
        "did",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "this",
        "to",
        "u",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "im",
        "i'm",
        "pls",
        "please",
        "just",
    }
)
ZH_STOP = frozenset(
    {
        "的",
        "了",
        "吗",
        "么",
        "呢",
        "吧",
        "啊",
        "呀",
        "嘛",
        "我",
        "你",
        "您",
        "他",
        "她",
        "们",
        "是",
        "在",
        "有",
        "和",
        "就",
        "都",
        "也",
        "还",
        "要",
        "能",
        "会",
        "怎么",
        "什么",
        "这",
        "那",
        "个",
        "一",
        "可以",
        "请问",
        "请",
    }
)


@lru_cache(maxsize=1)
def _jieba() -> object:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def stem(word: str) -> str:
    """A light English stemmer: plural and verb endings (``returns``→``return``, ``shipped``→``ship``)."""
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "es" and not word[:-2].endswith(("ch", "sh", "x", "ss", "z")):
                return word[:-1]
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            base = word[: len(word) - len(suffix)] + keep
            if suffix in ("ing", "ed") and len(base) >= 4 and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]  # shipped -> ship
            return base
    return word


def tokenize(text: str, *, chinese_chars: bool = True, stemming: bool = False) -> list[str]:
    """Lexical tokens of ``text`` (any mix of English and Chinese); stop words dropped.

    ``chinese_chars`` adds each Chinese character as a token beside the words; ``stemming``
    applies :func:`stem` to English words.
    """
    jieba = _jieba()
    tokens: list[str] = []
    for run in _RUN.findall(normalise(text)):
        if _CJK.match(run):
            words = [w for w in jieba.cut_for_search(run) if w.strip()]  # type: ignore[attr-defined]
            tokens.extend(w for w in words if w not in ZH_STOP)
            if chinese_chars:
                tokens.extend(ch for ch in run if ch not in ZH_STOP and len(run) > 1)
        else:
            word = run.replace("’", "'")
            if word in EN_STOP:
                continue
            word = word.split("'")[0]
            tokens.append(stem(word) if stemming else word)
    return tokens
