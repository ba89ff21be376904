"""``KnowledgeIndex``: help-center search fusing BM25 and dense embeddings, and the answer decision.

Passages are scored per language. For a query, each article's lexical and dense score is its
best passage's; the fused score is a weighted sum of the two after z-scoring each over the
language's articles (``dense_weight``; 0 is lexical only, 1 dense only). ``answer`` also
decides whether the best article answers the question at all (see :mod:`.answerable`): an
out-of-scope question gets ``answerable=False``, and the caller hands over to a person.

Changing one article (``upsert_article``/``remove_article``) embeds only that article's
passages; the language's BM25 statistics are re-counted from the kept tokens.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from smartcrm.engine import pickled
from smartcrm.engine.retrieval import dense
from smartcrm.engine.retrieval.answerable import Answerability, default_answerability
from smartcrm.engine.retrieval.lexical import LexicalScorer
from smartcrm.engine.retrieval.passages import MAX_CHARS, Article, Passage, split_article

MODEL_TYPE = "smartcrm.retrieval.KnowledgeIndex"
FORMAT_VERSION = 1
DEFAULT_ENCODERS: dict[str, str | None] = {"en": "minilm", "zh": "e5-small", "*": "e5-small"}
DEFAULT_DENSE_WEIGHT = 0.7


def language_key(language: str) -> str:
    """The primary language subtag, lower-cased: ``zh-Hans`` → ``zh``, ``en-GB`` → ``en``."""
    return language.replace("_", "-").split("-")[0].lower()


@dataclass(frozen=True)
class Hit:
    article_id: str
    language: str
    passage: Passage
    score: float  # fused (z-scored blend)
    lexical: float  # BM25 of the article's best passage
    dense: float  # cosine of the article's best passage


@dataclass(frozen=True)
class Decision:
    answerable: bool
    confidence: float
    hits: list[Hit] = field(default_factory=list)


@dataclass
class _Shard:
    """One language's passages, their tokens and vectors, and its BM25."""

    passages: list[Passage] = field(default_factory=list)
    tokens: list[list[str]] = field(default_factory=list)
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 384), dtype=np.float32))
    lexical: LexicalScorer | None = None


class KnowledgeIndex:
    """Search over help-center passages in one or more languages.

    ``encoders`` maps a language key (``en``, ``zh``) to a :mod:`.dense` encoder name or None
    (lexical only); languages not listed use ``encoders.get("*")`` or else e5-small.
    """

    def __init__(
        self,
        *,
        encoders: dict[str, str | None] | None = None,
        dense_weight: float = DEFAULT_DENSE_WEIGHT,
        max_chars: int = MAX_CHARS,
        k1: float = 1.2,
        b: float = 0.75,
        chinese_chars: bool = True,
        stemming: bool = False,
        answerability: Answerability | None = None,
    ):
        self.encoders = dict(DEFAULT_ENCODERS if encoders is None else encoders)
        self.dense_weight = dense_weight
        self.max_chars = max_chars
        self.k1 = k1
        self.b = b
        self.chinese_chars = chinese_chars
        self.stemming = stemming
        self.answerability = answerability

    # -- building -------------------------------------------------------------------------
    def encoder_for(self, language: str) -> str | None:
        key = language_key(language)
        if key in self.encoders:
            return self.encoders[key]
        return self.encoders.get("*", "e5-small")

    def _scorer(self) -> LexicalScorer:
        return LexicalScorer(self.k1, self.b, self.chinese_chars, self.stemming)

    def fit(self, articles: Iterable[Article]) -> KnowledgeIndex:
        """Index ``articles`` (replacing whatever was indexed)."""
        self.shards_: dict[str, _Shard] = {}
        self.answerability_ = self.answerability or default_answerability()
        by_language: dict[str, list[Article]] = {}
        for article in articles:
            by_language.setdefault(language_key(article.language), []).append(article)
        for key, group in by_language.items():
            shard = _Shard()
            self.shards_[key] = shard
            self._add(shard, key, [p for a in group for p in split_article(a, self.max_chars)])
        return self

    def _add(self, shard: _Shard, key: str, passages: list[Passage]) -> None:
        scorer = self._scorer()
        shard.passages.extend(passages)
        shard.tokens.extend(scorer.tokens(p.indexed_text) for p in passages)
        encoder = self.encoder_for(key)
        if encoder is not None:
            new = dense.encode(encoder, [p.indexed_text for p in passages], query=False)
            shard.vectors = np.vstack([shard.vectors, new]) if len(shard.vectors) else new
        shard.lexical = scorer.fit(shard.tokens)

    def _drop(self, shard: _Shard, article_id: str) -> bool:
        keep = [i for i, p in enumerate(shard.passages) if p.article_id != article_id]
        if len(keep) == len(shard.passages):
            return False
        shard.passages = [shard.passages[i] for i in keep]
        shard.tokens = [shard.tokens[i] for i in keep]
        if len(shard.vectors):
            shard.vectors = shard.vectors[keep]
        return True

    def upsert_article(self, article: Article) -> KnowledgeIndex:
        """Add ``article`` or replace its earlier version (same id and language)."""
        key = language_key(article.language)
        shard = self.shards_.setdefault(key, _Shard())
        self._drop(shard, article.article_id)
        self._add(shard, key, split_article(article, self.max_chars))
        return self

    def remove_article(self, article_id: str, language: str | None = None) -> bool:
        """Remove an article (in one language, or in all); whether anything was removed."""
        removed = False
        for key, shard in self.shards_.items():
            if language is not None and key != language_key(language):
                continue
            if self._drop(shard, article_id):
                shard.lexical = self._scorer().fit(shard.tokens)
                removed = True
        return removed

    @property
    def n_passages(self) -> int:
        return sum(len(s.passages) for s in self.shards_.values())

    def article_ids(self, language: str | None = None) -> set[str]:
        return {
            p.article_id
            for key, shard in self.shards_.items()
            if language is None or key == language_key(language)
            for p in shard.passages
        }

    # -- searching ------------------------------------------------------------------------
    def search(self, query: str, language: str | None = None, k: int = 10) -> list[Hit]:
        """The ``k`` best articles for ``query`` (one hit per article: its best passage)."""
        return self._search(query, language, k, self.dense_weight)

    def _search(self, query: str, language: str | None, k: int, weight: float) -> list[Hit]:
        keys = [language_key(language)] if language else list(self.shards_)
        hits: list[Hit] = []
        for key in keys:
            shard = self.shards_.get(key)
            if shard is None or not shard.passages or shard.lexical is None:
                continue
            hits.extend(self._search_shard(shard, key, query, weight))
        hits.sort(key=lambda h: -h.score)
        return hits[:k]

    def _search_shard(self, shard: _Shard, key: str, query: str, weight: float) -> list[Hit]:
        assert shard.lexical is not None
        lexical = shard.lexical.scores(shard.lexical.tokens(query))
        encoder = self.encoder_for(key)
        if encoder is not None and len(shard.vectors) and weight > 0:
            cosine = shard.vectors @ dense.encode_query(encoder, query)
        else:
            cosine = np.zeros(len(shard.passages), dtype=np.float32)
            weight = 0.0
        articles: dict[str, list[int]] = {}
        for i, passage in enumerate(shard.passages):
            articles.setdefault(passage.article_id, []).append(i)
        ids = list(articles)
        best_lex = np.array([lexical[articles[a]].max() for a in ids], dtype=np.float64)
        best_cos = np.array([cosine[articles[a]].max() for a in ids], dtype=np.float64)
        fused = weight * _z(best_cos) + (1.0 - weight) * _z(best_lex)
        hits = []
        for j, article_id in enumerate(ids):
            rows = articles[article_id]
            mix = weight * cosine[rows] + (1.0 - weight) * lexical[rows] / max(float(lexical.max()), 1e-9)
            passage = shard.passages[rows[int(np.argmax(mix))]]
            hits.append(
                Hit(
                    article_id,
                    passage.language,
                    passage,
                    float(fused[j]),
                    float(best_lex[j]),
                    float(best_cos[j]),
                )
            )
        return hits

    def answer(self, query: str, language: str | None = None, k: int = 5) -> Decision:
        """The best hits and whether they answer ``query`` (else: hand over to a person)."""
        hits = self.search(query, language, k=max(k, 2))
        if not hits:
            return Decision(False, 0.0, [])
        confidence = self.answerability_.confidence(hits)
        threshold = self.answerability_.threshold(hits[0].language)
        return Decision(confidence >= threshold, confidence, hits[:k])

    # -- saving ---------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        return pickled.dump(self, model_type=MODEL_TYPE, format_version=FORMAT_VERSION)

    @classmethod
    def from_bytes(cls, data: bytes) -> KnowledgeIndex:
        return pickled.load(data, cls, model_type=MODEL_TYPE, format_version=FORMAT_VERSION)

    def __getstate__(self) -> dict[str, object]:
        state = self.__dict__.copy()
        state["shards_"] = {
            key: _Shard(shard.passages, shard.tokens, shard.vectors, None)
            for key, shard in getattr(self, "shards_", {}).items()
        }
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        for shard in getattr(self, "shards_", {}).values():
            shard.lexical = self._scorer().fit(shard.tokens)


def _z(values: np.ndarray) -> np.ndarray:
    if len(values) < 2:
        return np.zeros_like(values)
    spread = float(values.std())
    return (values - values.mean()) / spread if spread > 1e-9 else np.zeros_like(values)
