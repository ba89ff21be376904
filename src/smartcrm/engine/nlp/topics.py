"""Topics in customer feedback: clusters with readable labels and keywords, trends, emerging topics.

Method, chosen by measurement on the synthetic shop (docs/models/nlp.md): per language, TF-IDF
over words (English words; Chinese segmented with jieba). Words in fewer than ``min_df`` of the
texts are dropped: product names and one-off details then stop masquerading as topics.

* Topic count given (``n_topics``): NMF with that many topics; a text belongs to its strongest.
* Not given (default): consensus of NMF runs (evidence accumulation). NMF with every count in
  ``k_range`` (``n_runs`` starts each) on up to ``sample_size`` texts; two texts are as similar
  as the share of runs that put them together; average linkage on that, cut where the partition
  lives longest (widest gap between merge heights). No count is given and no label is looked at.
  A topic is the centroid of its texts; a text belongs to the nearest (cosine).
* Languages merged (``merge_languages``): each topic gets a language-independent signature, the
  mean over its texts of which shop aspects (bilingual lexicon of :mod:`.sentiment.lexicon`) are
  mentioned positively, negatively or neutrally, the overall polarity, and whether the text has
  a reference number or a question. A topic of the smaller language joins the nearest topic of the
  larger one (cosine ≥ ``merge_threshold``); "late delivery" in Chinese and English is one topic.

Measured and dropped: the silhouette choice of the topic count (over-splits), UMass coherence
and bi-cross-validation as count criteria (noisy; no minimum), MiniLM sentence embeddings +
k-means (English-only model, Chinese collapses; slower by two orders of magnitude and lower
agreement), k-means and agglomerative clustering on the same TF-IDF, and aspect/polarity tokens
added to one joint vocabulary (lower agreement than separate languages).
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize

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
    """Per-language topics, merged across languages.

    ``n_topics``: a fixed NMF topic count per language; ``None`` (default) finds the topics by
    consensus over NMF runs with every count in ``k_range`` (module docstring). ``merge_languages``:
    a topic of the smaller language joins the nearest topic of the larger one when their
    aspect/polarity signatures have cosine ≥ ``merge_threshold``. ``min_texts``: languages with
    fewer texts get no topics."""

    def __init__(
        self,
        n_topics: int | None = None,
        k_range: tuple[int, int] = (4, 12),
        min_df: float = 0.01,
        max_df: float = 0.3,
        n_keywords: int = 8,
        min_texts: int = 30,
        random_state: int = 0,
        merge_languages: bool = True,
        merge_threshold: float = 0.7,
        sample_size: int = 2000,
        n_runs: int = 3,
    ) -> None:
        self.n_topics = n_topics
        self.k_range = k_range
        self.min_df = min_df
        self.max_df = max_df
        self.n_keywords = n_keywords
        self.min_texts = min_texts
        self.random_state = random_state
        self.merge_languages = merge_languages
        self.merge_threshold = merge_threshold
        self.sample_size = sample_size
        self.n_runs = n_runs

    def fit(self, texts: Sequence[str], langs: Sequence[str] | None = None) -> TopicModel:
        texts = [t or "" for t in texts]
        groups = np.array([_group(x) for x in (langs if langs is not None else detect_languages(texts))])
        self.models_: dict[str, _LanguageTopics] = {}
        rows = []
        signatures: dict[str, np.ndarray] = {}
        for lang in ("en", "zh"):
            positions = np.flatnonzero(groups == lang)
            if len(positions) < self.min_texts:
                continue
            subset = [texts[i] for i in positions]
            vectorizer = TfidfVectorizer(
                tokenizer=tokenize,
                token_pattern=None,
                lowercase=False,
                min_df=self.min_df,
                max_df=self.max_df,
                sublinear_tf=True,
            )
            X = vectorizer.fit_transform(subset)
            if self.n_topics:
                nmf = NMF(
                    n_components=min(self.n_topics, X.shape[1]),
                    init="nndsvda",
                    random_state=self.random_state,
                    max_iter=400,
                )
                with _exact_fit_tolerated():
                    nmf.fit(X)
                model = _LanguageTopics(vectorizer, nmf.components_, nmf)
            else:
                model = _LanguageTopics(vectorizer, self._consensus_centroids(X))
            self.models_[lang] = model
            best, _ = model.assign(X)
            terms = vectorizer.get_feature_names_out()
            text_signatures = topic_signatures(subset)
            for j, weights in enumerate(model.components):
                keywords = [
                    str(terms[i]) for i in weights.argsort()[::-1][: self.n_keywords] if weights[i] > 0
                ]
                members = best == j
                signatures[f"{lang}-{j}"] = text_signatures[members].sum(axis=0) / max(1, members.sum())
                rows.append(
                    {
                        "topic": f"{lang}-{j}",
                        "lang": lang,
                        "label": _label(keywords, lang),
                        "keywords": keywords,
                        "size": int(members.sum()),
                    }
                )
        per_language = pd.DataFrame(rows, columns=["topic", "lang", "label", "keywords", "size"])
        self.merged_ = (
            _merge_languages(per_language, signatures, self.merge_threshold)
            if self.merge_languages
            else {t: t for t in per_language["topic"]}
        )
        self.topics_ = _merged_table(per_language, self.merged_)
        return self

    def _consensus_centroids(self, X: Any) -> np.ndarray:
        """Topics agreed on by NMF runs with every count in ``k_range`` (evidence accumulation):
        two texts are as close as the share of runs that put them in the same topic; average
        linkage on that, cut at the widest gap between merge heights (the most persistent
        partition); a topic is the normalised TF-IDF centroid of its texts."""
        known = np.flatnonzero(X.getnnz(axis=1) > 0)  # texts without a known word have no topic
        sample = np.sort(
            np.random.default_rng(self.random_state).choice(
                known, size=min(len(known), self.sample_size), replace=False
            )
        )
        Xs = X[sample]
        m = len(sample)
        if m < 3:  # nothing to cluster: one topic
            return np.asarray(normalize(np.asarray(X.sum(axis=0)).reshape(1, -1)))
        high = max(2, min(self.k_range[1], m - 1, X.shape[1]))
        low = max(2, min(self.k_range[0], high))
        together = np.zeros((m, m), dtype=np.float32)
        runs = 0
        for k in range(low, high + 1):
            for run in range(self.n_runs):
                with warnings.catch_warnings(), _exact_fit_tolerated():
                    warnings.simplefilter("ignore", ConvergenceWarning)  # hard labels suffice
                    model = NMF(
                        n_components=k,
                        init="nndsvda" if run == 0 else "random",
                        random_state=self.random_state + run,
                        max_iter=400,
                    )
                    labels = model.fit_transform(Xs).argmax(axis=1)
                together += labels[:, None] == labels[None, :]
                runs += 1
        distance = 1.0 - together / runs
        np.fill_diagonal(distance, 0.0)
        tree = linkage(squareform(distance, checks=False), method="average")
        gaps = np.diff(tree[:, 2])
        # After merge i (0-based) there are m - i - 1 clusters; the gap after it is how long that
        # partition lives before the next merge.
        counts = m - np.arange(1, len(gaps) + 1)
        allowed = (counts >= 2) & (counts <= high)
        k = int(counts[allowed][np.argmax(gaps[allowed])]) if allowed.any() else low
        labels = fcluster(tree, k, criterion="maxclust") - 1
        centroids = np.vstack([np.asarray(Xs[labels == c].mean(axis=0)).ravel() for c in np.unique(labels)])
        return np.asarray(normalize(centroids[centroids.sum(axis=1) > 0]))

    def predict_topic(self, texts: Sequence[str], langs: Sequence[str] | None = None) -> pd.DataFrame:
        """``topic`` (id, or ``None`` for a language without a model / no known words) and ``weight``."""
        if not hasattr(self, "models_"):
            raise RuntimeError("TopicModel is not fitted: call fit() first")
        texts = [t or "" for t in texts]
        groups = np.array([_group(x) for x in (langs if langs is not None else detect_languages(texts))])
        topic = np.full(len(texts), None, dtype=object)
        weight = np.zeros(len(texts))
        for lang, model in self.models_.items():
            rows = np.flatnonzero(groups == lang)
            if not rows.size:
                continue
            best, strength = model.assign(model.vectorizer.transform([texts[i] for i in rows]))
            for pos, b, s in zip(rows.tolist(), best.tolist(), strength.tolist(), strict=True):
                if s > 0:
                    topic[pos], weight[pos] = self.merged_[f"{lang}-{b}"], s
        return pd.DataFrame({"topic": topic, "weight": weight.round(6)})


@contextmanager
def _exact_fit_tolerated() -> Iterator[None]:
    """Texts NMF reconstructs exactly (many identical reviews) make scikit-learn's error a
    rounding-negative number whose square root warns; the fit itself is fine."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "invalid value encountered in sqrt", RuntimeWarning)
        yield


class _LanguageTopics:
    """One language's vocabulary and topics: NMF components (a text's topic is its strongest NMF
    weight) or normalised centroids (its topic is the nearest by cosine)."""

    def __init__(self, vectorizer: TfidfVectorizer, components: np.ndarray, nmf: NMF | None = None) -> None:
        self.vectorizer = vectorizer
        self.components = components
        self.nmf = nmf

    def assign(self, X: Any) -> tuple[np.ndarray, np.ndarray]:
        """Each row's topic and its strength (NMF weight, or cosine to the centroid)."""
        if self.nmf is not None:
            W = np.asarray(self.nmf.transform(X))
        else:
            norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)))
            W = np.asarray(X @ self.components.T) / np.maximum(norms, 1e-12)
        best = W.argmax(axis=1)
        return best, W[np.arange(len(best)), best]


_REFERENCE = re.compile(r"\d{4,}")
_QUESTION = re.compile(r"[?？]")


def topic_signatures(texts: Sequence[str]) -> np.ndarray:
    """Language-independent description of each text, for matching topics across languages: for
    each shop aspect of the bilingual lexicon, whether a positive, negative or neutral clause
    mentions it; the text's overall lexicon polarity (positive, negative, none); whether it
    carries a reference number (an order) and asks a question."""
    from .sentiment.cues import clauses, lexicon_polarity, mentioned_aspects
    from .sentiment.lexicon import ASPECTS

    width = len(ASPECTS) * 3
    out = np.zeros((len(texts), width + 5))
    for row, text in enumerate(texts):
        total = 0
        for piece in clauses(text):
            polarity = lexicon_polarity(piece)
            total += polarity
            column = 0 if polarity > 0 else 1 if polarity < 0 else 2
            for aspect in mentioned_aspects(piece):
                out[row, ASPECTS.index(aspect) * 3 + column] = 1.0
        out[row, width + (0 if total > 0 else 1 if total < 0 else 2)] = 1.0
        out[row, width + 3] = float(bool(_REFERENCE.search(text or "")))
        out[row, width + 4] = float(bool(_QUESTION.search(text or "")))
    return out


def _merge_languages(
    topics: pd.DataFrame, signatures: dict[str, np.ndarray], threshold: float
) -> dict[str, str]:
    """Per-language topic id → final id. Each topic of the language with fewer texts joins the
    topic of the other language whose mean signature is nearest (cosine ≥ ``threshold``)."""
    mapping = {t: t for t in topics["topic"]}
    sizes = topics.groupby("lang")["size"].sum()
    if len(sizes) < 2:
        return mapping
    anchor, other = sizes.idxmax(), sizes.idxmin()
    targets = topics.loc[topics["lang"] == anchor, "topic"].tolist()
    sources = topics.loc[topics["lang"] == other, "topic"].tolist()
    if not targets or not sources:
        return mapping
    T = normalize(np.vstack([signatures[t] for t in targets]))
    S = normalize(np.vstack([signatures[s] for s in sources]))
    similarity = S @ T.T
    joined: dict[str, list[str]] = {t: [t] for t in targets}
    for i, source in enumerate(sources):
        j = int(similarity[i].argmax())
        if similarity[i, j] >= threshold:
            joined[targets[j]].append(source)
    for members in joined.values():
        for member in members:
            mapping[member] = "+".join(members)
    return mapping


def _merged_table(topics: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """One row per final topic: languages, labels and keywords of its members (largest first)."""
    rows = []
    frame = topics.assign(final=topics["topic"].map(mapping))
    for final, members in frame.groupby("final", sort=False):
        members = members.sort_values(["lang"]).sort_values("size", ascending=False, kind="stable")
        by_lang = members.drop_duplicates("lang").sort_values("lang")
        rows.append(
            {
                "topic": final,
                "lang": "+".join(by_lang["lang"]),
                "label": " | ".join(by_lang["label"]),
                "keywords": [w for words in by_lang["keywords"] for w in words],
                "size": int(members["size"].sum()),
                "members": members["topic"].tolist(),
            }
        )
    return pd.DataFrame(rows, columns=["topic", "lang", "label", "keywords", "size", "members"])


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
