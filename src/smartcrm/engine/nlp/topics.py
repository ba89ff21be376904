"""Topics in customer feedback: clusters with readable labels and keywords, trends, emerging topics.

Method, chosen by measurement on the synthetic shop (docs/models/nlp.md): per language, TF-IDF
over words (English words; Chinese segmented with jieba) and non-negative matrix factorisation;
each text belongs to its strongest topic. The number of topics per language is chosen on the
data (silhouette of the hard assignment, cosine) unless given. Words in fewer than ``min_df`` of
the texts are dropped: product names and one-off details then stop masquerading as topics.

Measured and dropped: MiniLM sentence embeddings + k-means (English-only model, Chinese
collapses; slower by two orders of magnitude and lower agreement), k-means and agglomerative
clustering on the same TF-IDF, and language-independent aspect/polarity tokens added to one
joint vocabulary (lower agreement than separate languages).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import lru_cache

import numpy as np
import pandas as pd
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.metrics import silhouette_score

from .language import detect_languages

_WORDS = re.compile(r"[a-z][a-z']+|[\u4e00-\u9fff]+")
_HAN = re.compile(r"[\u4e00-\u9fff]")
EN_STOP = frozenset(ENGLISH_STOP_WORDS) | {
    "hi", "hello", "hey", "thanks", "thank", "please", "good", "morning", "afternoon", "team", "dear",
    "just", "really", "ve", "ll", "don", "didn", "doesn", "isn", "wasn", "haven", "hasn", "im", "it's", "i'm",
}  # fmt: skip
ZH_STOP = frozenset(
    {
        "你好", "您好", "谢谢", "麻烦", "请问", "一下", "我们", "你们", "他们", "这个", "那个", "就是",
        "还是", "但是", "因为", "所以", "已经", "现在", "一个", "没有", "什么", "怎么", "可以",
        "自己", "这样",
    }
)  # fmt: skip


@lru_cache(maxsize=1)
def _jieba() -> object:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def tokenize(text: str) -> list[str]:
    """English words (stop words out) and jieba words for Han runs (single characters kept only
    when they carry meaning in shop feedback: 坏 broken, 慢 slow, 贵 expensive, 差 poor)."""
    jieba = _jieba()
    out: list[str] = []
    for part in _WORDS.findall((text or "").lower()):
        if _HAN.match(part):
            out += [w for w in jieba.lcut(part) if (len(w) > 1 or w in "坏慢贵差好快") and w not in ZH_STOP]  # type: ignore[attr-defined]
        elif part not in EN_STOP:
            out.append(part)
    return out


def _group(lang: str) -> str:
    return "zh" if lang in ("zh", "mixed") else "en"


class TopicModel:
    """Per-language NMF topics. ``n_topics``: fixed count per language, or ``None`` to choose in
    ``k_range`` by silhouette; ``min_texts``: languages with fewer texts get one topic."""

    def __init__(
        self,
        n_topics: int | None = None,
        k_range: tuple[int, int] = (4, 12),
        min_df: float = 0.01,
        max_df: float = 0.3,
        n_keywords: int = 8,
        min_texts: int = 30,
        random_state: int = 0,
    ) -> None:
        self.n_topics = n_topics
        self.k_range = k_range
        self.min_df = min_df
        self.max_df = max_df
        self.n_keywords = n_keywords
        self.min_texts = min_texts
        self.random_state = random_state

    def fit(self, texts: Sequence[str], langs: Sequence[str] | None = None) -> TopicModel:
        texts = [t or "" for t in texts]
        groups = [_group(x) for x in (langs if langs is not None else detect_languages(texts))]
        self.models_: dict[str, tuple[TfidfVectorizer, NMF]] = {}
        rows = []
        for lang in ("en", "zh"):
            subset = [t for t, g in zip(texts, groups, strict=True) if g == lang]
            if len(subset) < self.min_texts:
                continue
            vectorizer = TfidfVectorizer(
                tokenizer=tokenize,
                token_pattern=None,
                lowercase=False,
                min_df=self.min_df,
                max_df=self.max_df,
                sublinear_tf=True,
            )
            X = vectorizer.fit_transform(subset)
            k = self.n_topics or self._choose_k(X)
            nmf = NMF(
                n_components=min(k, X.shape[1]), init="nndsvda", random_state=self.random_state, max_iter=400
            )
            W = nmf.fit_transform(X)
            self.models_[lang] = (vectorizer, nmf)
            sizes = np.bincount(W.argmax(axis=1), minlength=nmf.n_components)
            terms = vectorizer.get_feature_names_out()
            for j, weights in enumerate(nmf.components_):
                keywords = [
                    str(terms[i]) for i in weights.argsort()[::-1][: self.n_keywords] if weights[i] > 0
                ]
                rows.append(
                    {
                        "topic": f"{lang}-{j}",
                        "lang": lang,
                        "label": _label(keywords, lang),
                        "keywords": keywords,
                        "size": int(sizes[j]),
                    }
                )
        self.topics_ = pd.DataFrame(rows, columns=["topic", "lang", "label", "keywords", "size"])
        return self

    def _choose_k(self, X: object) -> int:
        best_k, best_score = self.k_range[0], -1.0
        n = X.shape[0]  # type: ignore[attr-defined]
        sample = np.random.default_rng(self.random_state).choice(n, size=min(n, 2000), replace=False)
        Xs = X[sample]  # type: ignore[index]
        for k in range(self.k_range[0], self.k_range[1] + 1):
            W = NMF(
                n_components=k, init="nndsvda", random_state=self.random_state, max_iter=300
            ).fit_transform(Xs)
            labels = W.argmax(axis=1)
            if len(set(labels.tolist())) < 2:
                continue
            score = float(silhouette_score(Xs, labels, metric="cosine"))
            if score > best_score:
                best_k, best_score = k, score
        return best_k

    def predict_topic(self, texts: Sequence[str], langs: Sequence[str] | None = None) -> pd.DataFrame:
        """``topic`` (id, or ``None`` for a language without a model / no known words) and ``weight``."""
        if not hasattr(self, "models_"):
            raise RuntimeError("TopicModel is not fitted: call fit() first")
        texts = [t or "" for t in texts]
        groups = np.array([_group(x) for x in (langs if langs is not None else detect_languages(texts))])
        topic = np.full(len(texts), None, dtype=object)
        weight = np.zeros(len(texts))
        for lang, (vectorizer, nmf) in self.models_.items():
            rows = np.flatnonzero(groups == lang)
            if not rows.size:
                continue
            W = nmf.transform(vectorizer.transform([texts[i] for i in rows]))
            best = W.argmax(axis=1)
            strength = W[np.arange(len(rows)), best]
            for pos, b, s in zip(rows.tolist(), best.tolist(), strength.tolist(), strict=True):
                if s > 0:
                    topic[pos], weight[pos] = f"{lang}-{b}", s
        return pd.DataFrame({"topic": topic, "weight": weight.round(6)})


def _label(keywords: list[str], lang: str) -> str:
    """The first three keywords that are not part of an earlier one: "late / delivery / waiting"."""
    chosen: list[str] = []
    for word in keywords:
        if not any(word in c or c in word for c in chosen):
            chosen.append(word)
        if len(chosen) == 3:
            break
    return ("、" if lang == "zh" else " / ").join(chosen)


def topic_trends(topics: Sequence[object], dates: Sequence[datetime], freq: str = "W") -> pd.DataFrame:
    """Texts per topic per period (rows: period start; columns: topic)."""
    frame = pd.DataFrame({"topic": list(topics), "date": pd.to_datetime(list(dates))}).dropna()
    if frame.empty:
        return pd.DataFrame()
    frame["date"] = frame["date"].dt.tz_convert(None) if frame["date"].dt.tz is not None else frame["date"]
    frame["period"] = frame["date"].dt.to_period(freq.removesuffix("S")).dt.start_time
    return frame.pivot_table(index="period", columns="topic", aggfunc="size", fill_value=0).sort_index()


def emerging_topics(
    topics: Sequence[object],
    dates: Sequence[datetime],
    as_of: datetime,
    recent_days: int = 30,
    baseline_days: int = 180,
    min_recent: int = 5,
    min_ratio: float = 2.0,
) -> pd.DataFrame:
    """Per topic: texts in the last ``recent_days``, its share then vs in the ``baseline_days``
    before, and ``emerging`` when it is new or its share grew ``min_ratio``-fold (with at
    least ``min_recent`` texts, so one message is never a trend)."""
    frame = pd.DataFrame({"topic": list(topics), "date": pd.to_datetime(list(dates))}).dropna()
    if frame.empty:
        return pd.DataFrame(
            columns=["topic", "recent", "baseline", "recent_share", "baseline_share", "emerging"]
        )
    if frame["date"].dt.tz is not None:
        frame["date"] = frame["date"].dt.tz_convert(None)
    end = pd.Timestamp(as_of).tz_convert(None) if pd.Timestamp(as_of).tzinfo else pd.Timestamp(as_of)
    recent_start = end - timedelta(days=recent_days)
    base_start = recent_start - timedelta(days=baseline_days)
    recent = frame[(frame["date"] > recent_start) & (frame["date"] <= end)]["topic"].value_counts()
    base = frame[(frame["date"] > base_start) & (frame["date"] <= recent_start)]["topic"].value_counts()
    out = pd.DataFrame({"recent": recent, "baseline": base}).fillna(0).astype(int)
    out["recent_share"] = out["recent"] / max(1, int(out["recent"].sum()))
    out["baseline_share"] = out["baseline"] / max(1, int(out["baseline"].sum()))
    grew = out["recent_share"] >= min_ratio * out["baseline_share"]
    out["emerging"] = (out["recent"] >= min_recent) & grew
    return out.rename_axis("topic").reset_index().sort_values("recent", ascending=False, ignore_index=True)
