"""The sentiment classifier of one language: feature views, base learners and a stacking meta-learner.

``method="linear"`` is one logistic regression on all views side by side (the baseline).
``method="stack"`` fits several base learners (see :mod:`.base`) and a logistic-regression
meta-learner on their *out-of-fold* class log-odds from an inner stratified split of the
training texts, then refits every base learner on all training texts. The meta-learner thus
learns how far to trust each view from predictions on texts the view had not seen, and the
evaluation split is never touched. A part marked ``crossfit`` (the boosted trees, the slowest)
is not refitted: its inner-fold models are kept and their scores averaged. With a MiniLM part a
second meta-learner is fitted on the other parts' out-of-fold scores, for scoring without
sentence embeddings (aspect clauses, where MiniLM would be most of the cost).

With at least ``LARGE_STACK_MIN_TEXTS`` training texts, Chinese stacks two non-linear learners —
boosted trees (:mod:`.trees`) and a vote of the nearest training texts
(:class:`.base.NeighboursPart`) — and its two logistic learners weigh n-grams per domain cluster
(:mod:`.domains`); English keeps the linear parts plus MiniLM and VADER.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from . import encoders, zero_shot
from .base import DensePart, FixedPart, LogisticPart, NaiveBayesPart, NBLogisticPart, NeighboursPart
from .text import words
from .trees import BoostedTreesPart
from .views import Views

METHODS = ("linear", "stack")
# The trees cost about as much as the three linear parts together, the neighbour vote keeps every
# training text, and the domain clusters need texts enough to find families of products in;
# below this many training texts (tests, a small shop's reviews) all three are left out to keep
# fitting fast. Not a measured quality threshold: their gain was measured only on 11,112-13,890
# training texts.
LARGE_STACK_MIN_TEXTS = 5000
DOMAINS = 4  # domain clusters of a large Chinese stack (docs/models/sentiment.md: 3-8 measured)
# The meta-learner's C with domain columns: chosen on the training folds' out-of-fold rows
# (docs/models/sentiment.md, "Domain clusters"); 1.0 elsewhere.
META_C_WITH_DOMAINS = 0.1
# English: the general meta-learner's share in the blend with the full stack (``predict_proba``),
# chosen on two development domains the default never trains on (docs/models/sentiment.md).
GENERAL_WEIGHT = 0.1
# English: the weight of the label-description score (:mod:`.zero_shot`, on the stack's own MiniLM
# embeddings) added to the blended log-odds; chosen on the same two development domains.
ZERO_SHOT_WEIGHT = 10.0


def _large(lang: str, method: str, n_texts: int) -> bool:
    return lang == "zh" and method == "stack" and n_texts >= LARGE_STACK_MIN_TEXTS


def _meta_inputs(scores: np.ndarray, views: dict[str, Any]) -> np.ndarray:
    """The learners' scores, beside each text's domain cluster when there are clusters.

    With the clusters the meta-learner fits one intercept per domain: how often a laptop review
    is positive is not how often a book review is, whatever its words.
    """
    if "domain" not in views:
        return scores
    return np.hstack([scores, views["domain"].toarray()])


def _parts(lang: str, method: str, embeddings: bool, seed: int, n_texts: int = 0) -> list[Any]:
    if method == "linear":
        return [LogisticPart(("char", "word"), C=4.0, seed=seed)]
    large = _large(lang, method, n_texts)
    parts: list[Any] = [
        LogisticPart(("char", "word"), C=16.0, seed=seed, by_domain=large),
        NBLogisticPart(("char", "word"), C=0.1, seed=seed, by_domain=large),
        NaiveBayesPart(("char", "word"), alpha=0.1),
    ]
    if large:
        parts += [BoostedTreesPart(("char", "word"), seed=seed), NeighboursPart(("char", "word"), k=30)]
    if lang == "en" and embeddings:
        parts += [DensePart("minilm", C=0.1, seed=seed), FixedPart("vader")]
    return parts


class LanguageClassifier:
    """Class probabilities for texts of one language (``"zh"`` or ``"en"``)."""

    def __init__(
        self,
        lang: str,
        method: str = "stack",
        inner_folds: int = 3,
        embeddings: bool = True,
        seed: int = 0,
        minilm_layers: int = encoders.LAYERS,
    ) -> None:
        if method not in METHODS:
            raise ValueError(f"unknown method {method!r}; expected one of {METHODS}")
        self.lang = lang
        self.method = method
        self.inner_folds = inner_folds
        self.embeddings = embeddings and lang == "en" and method == "stack" and encoders.minilm_available()
        self.seed = seed
        self.minilm_layers = minilm_layers

    def _views(self, texts: list[str], fit: bool = False, embed: bool = True) -> dict[str, Any]:
        tokens = [words(text, self.lang) for text in texts]
        if fit:
            domains = DOMAINS if _large(self.lang, self.method, len(texts)) else 0
            self.views_ = Views(self.lang, domains=domains)
            views: dict[str, Any] = self.views_.fit_transform(texts, tokens)
        else:
            views = self.views_.transform(texts, tokens)
        if self.embeddings:
            if embed:
                # Models pickled before the layer count was a parameter used all six layers.
                views["minilm"] = encoders.embed(texts, getattr(self, "minilm_layers", encoders.FULL_LAYERS))
            views["vader"] = encoders.vader(texts)
        return views

    def fit(self, texts: list[str], y: np.ndarray) -> LanguageClassifier:
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        views = self._views(texts, fit=True)
        self.parts_ = _parts(self.lang, self.method, self.embeddings, self.seed, len(texts))
        if self.method == "linear":
            self.parts_[0].fit(views, y)
            self.meta_ = None
            return self
        counts = np.bincount(np.searchsorted(self.classes_, y))
        folds = int(min(self.inner_folds, counts.min()))
        if folds < 2:
            raise ValueError("each sentiment class needs at least two texts to stack")
        splitter = StratifiedKFold(folds, shuffle=True, random_state=self.seed)
        blocks: list[np.ndarray] = []
        self.crossfits_: dict[int, list[Any]] = {}
        for p, part in enumerate(self.parts_):
            block = np.zeros((0, 0))
            for train, test in splitter.split(np.zeros(len(y)), y):
                sub = {name: matrix[train] for name, matrix in views.items()}
                fitted = copy.deepcopy(part) if getattr(part, "crossfit", False) else part
                scores = fitted.fit(sub, y[train]).scores({name: m[test] for name, m in views.items()})
                if fitted is not part:
                    self.crossfits_.setdefault(p, []).append(fitted)
                if not block.size:
                    block = np.zeros((len(y), scores.shape[1]))
                block[test] = scores
            blocks.append(block)
        oof = np.hstack(blocks)
        C = META_C_WITH_DOMAINS if "domain" in views else 1.0
        self.meta_ = LogisticRegression(C=C, max_iter=1000).fit(_meta_inputs(oof, views), y)
        light = self._light_parts()
        if len(light) < len(self.parts_):
            light_oof = np.hstack([blocks[p] for p in light])
            self.light_meta_ = LogisticRegression(C=C, max_iter=1000).fit(_meta_inputs(light_oof, views), y)
        general = self._general_parts()
        if general and len(general) < len(self.parts_):
            general_oof = np.hstack([blocks[p] for p in general])
            self.general_meta_ = LogisticRegression(C=C, max_iter=1000).fit(general_oof, y)
        for p, part in enumerate(self.parts_):
            if p not in self.crossfits_:
                part.fit(views, y)
        return self

    def _scores(self, p: int, views: dict[str, Any]) -> np.ndarray:
        fold_models = getattr(self, "crossfits_", {}).get(p)
        if fold_models:
            return np.mean([model.scores(views) for model in fold_models], axis=0)
        return np.asarray(self.parts_[p].scores(views))

    def _light_parts(self) -> list[int]:
        """The parts that need no sentence embeddings (all but MiniLM's)."""
        return [p for p, part in enumerate(self.parts_) if not isinstance(part, DensePart)]

    def _general_parts(self) -> list[int]:
        """The parts that read no n-grams (MiniLM's and VADER's): they carry over to other domains."""
        return [p for p, part in enumerate(self.parts_) if isinstance(part, DensePart | FixedPart)]

    def predict_proba(
        self,
        texts: list[str],
        sentence_embeddings: bool = True,
        general_weight: float = 0.0,
        zero_shot_weight: float = 0.0,
    ) -> np.ndarray:
        """Class probabilities; ``sentence_embeddings=False`` skips MiniLM, the costliest part.

        Without embeddings a second meta-learner, fitted on the other parts' out-of-fold scores,
        combines them: cheaper and somewhat less accurate (docs/models/sentiment.md, *Aspects*).
        A classifier without a MiniLM part (Chinese) is the same either way.

        ``general_weight`` (English with embeddings only): the share of the *general* meta-learner
        (fitted on MiniLM's and VADER's out-of-fold scores alone) in a geometric blend with the
        full stack, ``p ∝ p_stack^(1-w) · p_general^w``. In log-odds the two add, so whichever
        is the more confident decides more: on the training domain the n-gram learners are
        confident, on another domain their n-grams go unseen and the general part takes over.

        ``zero_shot_weight`` (with ``general_weight``): ``weight × label score`` is added to the
        blend's positive-against-negative log-odds, the label score being the text's MiniLM
        cosine to descriptions of the labels (:mod:`.zero_shot`). It was learnt from no review,
        so it reads every domain alike; the stack's learners only know the domains they saw.
        """
        light_meta = None if sentence_embeddings else getattr(self, "light_meta_", None)
        views = self._views(texts, embed=light_meta is None)
        if self.meta_ is None:
            return self.parts_[0].model_.predict_proba(self.parts_[0]._matrix(views))
        parts = range(len(self.parts_)) if light_meta is None else self._light_parts()
        scores = np.hstack([self._scores(p, views) for p in parts])
        meta = self.meta_ if light_meta is None else light_meta
        proba = meta.predict_proba(_meta_inputs(scores, views))
        general_meta = getattr(self, "general_meta_", None)
        if light_meta is not None or general_meta is None or general_weight <= 0:
            return proba
        general = np.hstack([self._scores(p, views) for p in self._general_parts()])
        blended = geometric_blend(proba, general_meta.predict_proba(general), general_weight)
        if zero_shot_weight <= 0 or not {"negative", "positive"} <= set(self.classes_):
            return blended
        score = zero_shot.label_score(views["minilm"], getattr(self, "minilm_layers", encoders.FULL_LAYERS))
        return shift_log_odds(blended, list(self.classes_), zero_shot_weight * score)


def shift_log_odds(proba: np.ndarray, classes: list[str], shift: np.ndarray) -> np.ndarray:
    """``proba`` with ``shift`` added to log P(positive) − log P(negative), half on each side."""
    logs = np.log(np.clip(proba, 1e-12, 1))
    logs[:, classes.index("positive")] += shift / 2
    logs[:, classes.index("negative")] -= shift / 2
    logs -= logs.max(axis=1, keepdims=True)
    shifted = np.exp(logs)
    return shifted / shifted.sum(axis=1, keepdims=True)


def geometric_blend(first: np.ndarray, second: np.ndarray, weight: float) -> np.ndarray:
    """Rows of ``first^(1-weight) · second^weight``, renormalised: a weighted sum of log-probabilities."""
    logs = (1 - weight) * np.log(np.clip(first, 1e-12, 1)) + weight * np.log(np.clip(second, 1e-12, 1))
    logs -= logs.max(axis=1, keepdims=True)
    blended = np.exp(logs)
    return blended / blended.sum(axis=1, keepdims=True)
