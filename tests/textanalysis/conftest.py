"""A real, small analyzer for the product tests: sentiment and intent trained on a generated shop.

The shipped default sentiment model trains on ~25k texts (minutes); these tests need the same
code path, not the same accuracy, so they train on the synthetic shop's star-rated reviews.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from smartcrm.engine.nlp.intent import IntentModel, ticket_training_frame
from smartcrm.engine.nlp.pipeline import TextAnalyzer
from smartcrm.engine.nlp.sentiment import SentimentModel
from smartcrm.synth.generator import ShopGenerator
from smartcrm.synth.spec import ShopSpec
from smartcrm.textanalysis import services


@pytest.fixture(scope="session")
def small_analyzer() -> TextAnalyzer:
    tables = ShopGenerator(ShopSpec(n_customers=1500, seed=9)).generate()
    reviews = tables["reviews"]
    reviews = reviews[reviews["rating"] != 3]
    # No MiniLM view: the product layer's tests need a trained model, not the best one.
    sentiment = SentimentModel(inner_folds=2, embeddings=False).fit(
        (reviews["title"] + ". " + reviews["body"]).tolist(),
        (reviews["rating"] >= 4).astype(int).tolist(),
        langs=reviews["language"].tolist(),
    )
    tickets = ticket_training_frame(tables["tickets"], tables["ticket_messages"])
    intent = IntentModel().fit(tickets["text"].tolist(), tickets["intent"].tolist())
    return TextAnalyzer(sentiment_model=sentiment, intent_model=intent)


@pytest.fixture
def analyzer(small_analyzer: TextAnalyzer) -> Iterator[TextAnalyzer]:
    services.use_analyzer(small_analyzer)
    yield small_analyzer
    services.use_analyzer(None)
