"""Feature views of a text for one language: character n-grams and word n-grams.

Each view is a TF-IDF matrix with sublinear term frequency. Chinese: characters 1–4 (robust to
segmentation errors) and jieba words 1–3, with the words in a negator's scope marked
(:mod:`.negation`). English: characters 2–5 inside word boundaries and
words 1–3. Rare n-grams (fewer than ``min_df`` documents) are dropped to keep models small.
With ``domains`` set, a third view ``"domain"`` holds each text's cluster (:mod:`.domains`), one-hot.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from .base import side_by_side
from .domains import DomainClusters
from .negation import mark_negation
from .text import identity

VIEW_NAMES = ("char", "word")


def _char_vectorizer(lang: str, min_df: int) -> TfidfVectorizer:
    if lang == "zh":
        return TfidfVectorizer(analyzer="char", ngram_range=(1, 4), sublinear_tf=True, min_df=min_df)
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=min_df)


def _word_vectorizer(min_df: int) -> TfidfVectorizer:
    return TfidfVectorizer(
        tokenizer=identity,
        preprocessor=identity,
        token_pattern=None,
        lowercase=False,
        ngram_range=(1, 3),
        sublinear_tf=True,
        min_df=min_df,
    )


@dataclass
class Views:
    """Fitted vectorizers of one language; ``transform`` gives one sparse matrix per view."""

    lang: str
    min_df: int = 2
    domains: int = 0
    vectorizers: dict[str, TfidfVectorizer] = field(default_factory=dict)
    clusters: DomainClusters | None = None

    def _words(self, tokens: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
        return [mark_negation(words) for words in tokens] if self.lang == "zh" else tokens

    def fit_transform(self, texts: list[str], tokens: list[tuple[str, ...]]) -> dict[str, sp.csr_matrix]:
        self.vectorizers = {
            "char": _char_vectorizer(self.lang, self.min_df),
            "word": _word_vectorizer(self.min_df),
        }
        out = {
            "char": self.vectorizers["char"].fit_transform([t.lower() for t in texts]).tocsr(),
            "word": self.vectorizers["word"].fit_transform(self._words(tokens)).tocsr(),
        }
        for vectorizer in self.vectorizers.values():
            vectorizer.stop_words_ = set()  # the pruned rare n-grams: only for inspection, and huge
        if self.domains:
            both = side_by_side(out, VIEW_NAMES)
            self.clusters = DomainClusters(self.domains).fit(both)
            out["domain"] = self.clusters.one_hot(both)
        return out

    def transform(self, texts: list[str], tokens: list[tuple[str, ...]]) -> dict[str, sp.csr_matrix]:
        out = {
            "char": self.vectorizers["char"].transform([t.lower() for t in texts]).tocsr(),
            "word": self.vectorizers["word"].transform(self._words(tokens)).tocsr(),
        }
        if self.clusters is not None:
            out["domain"] = self.clusters.one_hot(side_by_side(out, VIEW_NAMES))
        return out
