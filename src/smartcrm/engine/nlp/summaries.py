"""Extractive summaries: the few sentences that stand for a ticket thread or a topic.

Sentences are split in either language (``. ! ?`` and ``。！？；``), represented by TF-IDF over
the same tokens the topic model uses (jieba for Chinese), and ranked by centrality: the summed
cosine similarity to every other sentence, i.e. how much of the rest a sentence repeats (the
degree-centrality form of LexRank). Greetings and sign-offs score low because nothing else
repeats them. A topic's sentences count once per set of words, so "Order 1002." and "Order
1003." (the same single word once numbers are dropped) cannot outvote the content by sheer
number of near-copies. The chosen sentences come back in their original order and language:
nothing is generated, so nothing is invented.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from .topics import tokenize

_SPLIT = re.compile(r"(?<=[.!?])\s+|(?<=[。！？；])|\n+")
MIN_CHARS = 4


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SPLIT.split(text or "") if len(s.strip()) >= MIN_CHARS]


def rank_sentences(items: Sequence[str]) -> np.ndarray:
    """Centrality score per sentence (higher = more representative)."""
    if len(items) < 2:
        return np.ones(len(items))
    vectorizer = TfidfVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False)
    try:
        X = vectorizer.fit_transform(items)
    except ValueError:  # nothing but stop words
        return np.zeros(len(items))
    similarity = (X @ X.T).toarray()
    np.fill_diagonal(similarity, 0.0)
    return similarity.sum(axis=1)


def summarize_thread(messages: Sequence[str], max_sentences: int = 3) -> list[str]:
    """The most representative sentences of a ticket thread, in thread order.

    The first message states the problem, so its sentences get a small head start.
    """
    items: list[str] = []
    first: list[bool] = []
    for i, message in enumerate(messages):
        for s in sentences(message):
            items.append(s)
            first.append(i == 0)
    if len(items) <= max_sentences:
        return items
    score = rank_sentences(items) + 0.25 * np.asarray(first, dtype=float)
    keep = sorted(np.argsort(-score, kind="stable")[:max_sentences].tolist())
    return [items[i] for i in keep]


def summarize_topic(texts: Sequence[str], max_sentences: int = 3, max_texts: int = 500) -> list[str]:
    """Representative sentences of a topic's texts (distinct, most central first)."""
    by_words: dict[frozenset[str], str] = {}
    for text in list(texts)[:max_texts]:
        for sentence in sentences(text):
            by_words.setdefault(frozenset(tokenize(sentence)), sentence)
    items = list(by_words.values())
    if not items:
        return []
    order = np.argsort(-rank_sentences(items), kind="stable")
    return [items[i] for i in order[:max_sentences].tolist()]
