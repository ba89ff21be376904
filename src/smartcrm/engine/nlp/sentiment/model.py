"""``SentimentModel``: negative / neutral / positive with a score, for English and Chinese texts.

Each text's language is detected (:mod:`smartcrm.engine.nlp.language`) and routed to that
language's classifier (:mod:`.classifier`); a mixed Chinese–English text gets the mean of both
classifiers' probabilities. A language the model has no classifier for falls back to the
lexicon's hand-written cues (:mod:`.lexicon_scorer`). Texts with nothing to read (empty, only
emoji or digits) or in another script are neutral with score 0.

``score`` is **signed**: P(positive) − P(negative), in [-1, 1]. With two training classes (the
usual case: positive/negative review data) the label is ``neutral`` when ``|score| <
neutral_band``; with three training classes (star ratings) it is the most probable class.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from smartcrm.engine import pickled

from ..language import detect_languages
from .aspects import aspect_sentiments
from .classifier import GENERAL_WEIGHT, ZERO_SHOT_WEIGHT, LanguageClassifier
from .labels import LABELS, as_labels
from .lexicon_scorer import LexiconScorer
from .text import clean_all

MODEL_TYPE = "smartcrm.engine.nlp.sentiment.SentimentModel"
FORMAT_VERSION = 1
CLASSIFIED = ("zh", "en")


class SentimentModel(BaseEstimator):
    """Sentiment of customer texts; see the module docstring for labels, score and routing."""

    # Which model this is, set by whoever loads a registered one ("shop-v3"); None: the default.
    version_: str | None = None

    def __init__(
        self,
        *,
        method: str = "stack",
        neutral_band: float = 0.2,
        min_texts: int = 20,
        inner_folds: int = 3,
        embeddings: bool = True,
        general_weight: float = GENERAL_WEIGHT,
        zero_shot_weight: float = ZERO_SHOT_WEIGHT,
        seed: int = 0,
    ) -> None:
        self.method = method
        self.neutral_band = neutral_band
        self.min_texts = min_texts
        self.inner_folds = inner_folds
        self.embeddings = embeddings
        self.general_weight = general_weight
        self.zero_shot_weight = zero_shot_weight
        self.seed = seed

    # ------------------------------------------------------------------ training
    def fit(
        self, texts: Iterable[object], labels: Iterable[object], langs: Sequence[str] | None = None
    ) -> SentimentModel:
        """Train one classifier per language that has at least ``min_texts`` texts of two classes.

        ``labels``: names, 0/1 or -1/0/1 (see :func:`.labels.as_labels`). ``langs``: the language
        of each text if known (``"zh"``, ``"en"`` or ``"mixed"``), else detected.
        """
        cleaned = clean_all(texts)
        y = as_labels(labels)
        if len(y) != len(cleaned):
            raise ValueError(f"{len(cleaned)} texts but {len(y)} labels")
        langs_ = np.asarray(detect_languages(cleaned) if langs is None else list(langs), dtype=object)
        if len(langs_) != len(cleaned):
            raise ValueError(f"{len(cleaned)} texts but {len(langs_)} languages")
        self.classes_ = [label for label in LABELS if label in set(y)]
        if len(self.classes_) < 2:
            raise ValueError("sentiment training needs texts of at least two classes")
        self.classifiers_: dict[str, LanguageClassifier] = {}
        for lang in CLASSIFIED:
            rows = np.flatnonzero((langs_ == lang) | (langs_ == "mixed"))
            if len(rows) < self.min_texts or len(set(y[rows])) < 2:
                continue
            classifier = LanguageClassifier(lang, self.method, self.inner_folds, self.embeddings, self.seed)
            self.classifiers_[lang] = classifier.fit([cleaned[i] for i in rows], y[rows])
        if not self.classifiers_:
            raise ValueError(
                f"no language has {self.min_texts} training texts of two classes; "
                f"found languages {sorted(set(langs_.tolist()))}"
            )
        self.n_training_texts_ = len(cleaned)
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "classifiers_"):
            raise NotFittedError("this SentimentModel is not fitted yet: call fit() or load_default_model()")

    # ------------------------------------------------------------------ prediction
    def _proba(self, lang: str, texts: list[str], sentence_embeddings: bool = True) -> np.ndarray:
        """(n, 3) probabilities in LABELS order from the classifier for ``lang`` (or the lexicon)."""
        classifier = self.classifiers_.get(lang)
        if classifier is None:
            lexicon = LexiconScorer()
            proba, classes = lexicon.predict_proba(texts), lexicon.classes_
        else:
            # Models pickled before the general blend or the label score existed score as they did.
            proba = classifier.predict_proba(
                texts,
                sentence_embeddings,
                getattr(self, "general_weight", 0.0),
                getattr(self, "zero_shot_weight", 0.0),
            )
            classes = classifier.classes_
        out = np.zeros((len(texts), len(LABELS)))
        for j, label in enumerate(classes):
            out[:, LABELS.index(label)] = proba[:, j]
        return out

    def predict_proba_frame(
        self, texts: Iterable[object], langs: Sequence[str] | None = None, *, sentence_embeddings: bool = True
    ) -> pd.DataFrame:
        """Class probabilities (columns negative, neutral, positive) and the detected ``lang``.

        Rows the model cannot read (language unknown/other) get all-NaN probabilities.
        ``sentence_embeddings=False``: English without MiniLM (see ``LanguageClassifier.predict_proba``).
        """
        self._check_fitted()
        cleaned = clean_all(texts)
        langs_ = np.asarray(detect_languages(cleaned) if langs is None else list(langs), dtype=object)
        proba = np.full((len(cleaned), len(LABELS)), np.nan)
        for lang in CLASSIFIED:
            rows = np.flatnonzero(langs_ == lang)
            if len(rows):
                proba[rows] = self._proba(lang, [cleaned[i] for i in rows], sentence_embeddings)
        mixed = np.flatnonzero(langs_ == "mixed")
        if len(mixed):
            subset = [cleaned[i] for i in mixed]
            proba[mixed] = np.mean(
                [self._proba(lang, subset, sentence_embeddings) for lang in CLASSIFIED], axis=0
            )
        frame = pd.DataFrame(proba, columns=list(LABELS))
        frame.insert(0, "lang", langs_)
        return frame

    def predict_sentiment(
        self, texts: Iterable[object], langs: Sequence[str] | None = None, *, sentence_embeddings: bool = True
    ) -> pd.DataFrame:
        """One row per text: ``lang``, ``label`` (negative/neutral/positive), ``score`` in [-1, 1]."""
        frame = self.predict_proba_frame(texts, langs, sentence_embeddings=sentence_embeddings)
        score = (frame["positive"] - frame["negative"]).fillna(0.0).clip(-1, 1).to_numpy()
        if "neutral" in self.classes_:
            probs = frame[list(LABELS)].fillna(0.0).to_numpy()
            label = np.array(LABELS, dtype=object)[probs.argmax(axis=1)]
        else:
            label = np.where(score >= self.neutral_band, "positive", "negative").astype(object)
            label[np.abs(score) < self.neutral_band] = "neutral"
        unreadable = frame["positive"].isna().to_numpy()
        label[unreadable] = "neutral"
        return pd.DataFrame({"lang": frame["lang"], "label": label, "score": score.round(4)})

    def predict_aspects(self, texts: Iterable[object]) -> list[dict[str, str]]:
        """Per text, the shop aspects it mentions and the sentiment about each (see :mod:`.aspects`)."""
        self._check_fitted()
        return aspect_sentiments(list(texts), self)

    # ------------------------------------------------------------------ persistence
    def to_bytes(self) -> bytes:
        """Pickle with a header (type, format, scikit-learn version). Load only bytes you saved."""
        self._check_fitted()
        return pickled.dump(self, model_type=MODEL_TYPE, format_version=FORMAT_VERSION)

    @classmethod
    def from_bytes(cls, data: bytes) -> SentimentModel:
        """A model saved by :meth:`to_bytes` (trusted bytes only: the registry's own artifacts)."""
        return pickled.load(data, cls, model_type=MODEL_TYPE, format_version=FORMAT_VERSION)
