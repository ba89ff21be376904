"""Search in Chinese and English: the words a query asks for, and the pinyin a Chinese name is
also found by.

Chinese is written without spaces, so a query such as ``上海王伟`` is cut into words by jieba
(``上海``, ``王伟``) and each word must occur in the record, as each space-separated word of an
English query must. A Chinese name is also stored in toneless pinyin three ways, so that
``wang wei``, ``wangwei`` and the initials ``ww`` all find ``王伟``.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def has_han(text: str) -> bool:
    return _HAN_RUN.search(text) is not None


@lru_cache(maxsize=1)
def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


@lru_cache(maxsize=50_000)
def _char_pinyin(char: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(char))


def pinyin_forms(text: str) -> list[str]:
    """Each run of Chinese characters as ``wang wei``, ``wangwei`` and ``ww``; [] without any."""
    forms: list[str] = []
    for run in _HAN_RUN.findall(text):
        syllables = [_char_pinyin(char) for char in run]
        forms += [" ".join(syllables), "".join(syllables), "".join(s[:1] for s in syllables)]
    return forms


def search_terms(query: str) -> list[str]:
    """The lower-case words of a query, each to be found in the record; Chinese runs are cut
    into words (``王伟 上海`` and ``上海王伟`` ask for the same two words)."""
    terms: list[str] = []
    for chunk in query.lower().split():
        if has_han(chunk):
            terms += [word for word in _jieba().cut(chunk) if word.strip()]
        else:
            terms.append(chunk)
    return list(dict.fromkeys(terms))
