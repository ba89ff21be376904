"""BM25 over passages (bm25s), one index per language, on the tokens of :mod:`.text`.

The tokens of every passage are kept, so adding or replacing one article re-counts the
language's statistics from them (milliseconds for a help center) without re-tokenising the rest.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from smartcrm.engine.retrieval.text import tokenize


class LexicalScorer:
    """BM25 scores of one query against a list of token lists.

    ``fit(tokens)`` indexes the passages' tokens; ``scores(query)`` is an array aligned with them.
    """

    def __init__(self, k1: float = 1.2, b: float = 0.75, chinese_chars: bool = True, stemming: bool = False):
        self.k1 = k1
        self.b = b
        self.chinese_chars = chinese_chars
        self.stemming = stemming

    def tokens(self, text: str) -> list[str]:
        return tokenize(text, chinese_chars=self.chinese_chars, stemming=self.stemming)

    def fit(self, tokens: list[list[str]]) -> LexicalScorer:
        import bm25s

        self.n_passages_ = len(tokens)
        self.bm25_: Any = None
        if tokens:
            self.bm25_ = bm25s.BM25(k1=self.k1, b=self.b)
            # an empty passage still needs a token so the rows stay aligned
            self.bm25_.index([t or ["\x00"] for t in tokens], show_progress=False)
        return self

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        if self.bm25_ is None:
            return np.zeros(self.n_passages_, dtype=np.float32)
        vocab = self.bm25_.vocab_dict
        known = [t for t in query_tokens if t in vocab]
        if not known:
            return np.zeros(self.n_passages_, dtype=np.float32)
        return np.asarray(self.bm25_.get_scores(known), dtype=np.float32)
