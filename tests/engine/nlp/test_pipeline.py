"""The combined pipeline: one row per text, both languages, PII kept out, support-only triage."""

from __future__ import annotations

import pandas as pd
import pytest

from smartcrm.engine.nlp.intent import IntentModel, ticket_training_frame
from smartcrm.engine.nlp.pipeline import COLUMNS, TextAnalyzer
from smartcrm.engine.nlp.sentiment import SentimentModel
from smartcrm.synth.generator import ShopGenerator
from smartcrm.synth.spec import ShopSpec


@pytest.fixture(scope="module")
def analyzer() -> TextAnalyzer:
    tables = ShopGenerator(ShopSpec(n_customers=1500, seed=9)).generate()
    reviews = tables["reviews"][tables["reviews"]["rating"] != 3]
    sentiment = SentimentModel(inner_folds=2).fit(
        (reviews["title"] + ". " + reviews["body"]).tolist(),
        (reviews["rating"] >= 4).astype(int).tolist(),
        langs=reviews["language"].tolist(),
    )
    tickets = ticket_training_frame(tables["tickets"], tables["ticket_messages"])
    return TextAnalyzer(
        sentiment_model=sentiment, intent_model=IntentModel().fit(tickets["text"], tickets["intent"])
    )


def test_one_row_per_text_in_both_languages(analyzer: TextAnalyzer) -> None:
    texts = [
        "My kettle arrived broken!! Unacceptable. Call me on +44 20 7946 0958.",
        "物流太慢了，已经两周还没收到，我要投诉。电话13812345678",
        "Love it, fast delivery and great quality.",
        None,
    ]
    out = analyzer.analyse(texts, kinds=["ticket", "ticket", "review", "review"])
    assert list(out.columns) == list(COLUMNS) and len(out) == 4
    assert out["lang"].tolist()[:3] == ["en", "zh", "en"]
    assert out.loc[0, "intent"] == "damaged_item" and out.loc[1, "intent"] == "delivery_problem"
    assert out.loc[1, "urgency"] > 0.5 and "anger" in out.loc[1, "urgency_reasons"]
    assert pd.isna(out.loc[2, "intent"]) and pd.isna(out.loc[2, "urgency"])  # reviews get no triage
    assert out.loc[0, "redacted"].endswith("Call me on [PHONE].") and "[PHONE]" in out.loc[1, "redacted"]
    start = texts[0].index("+44")  # type: ignore[union-attr]
    assert out.loc[0, "entities"] == [
        {"kind": "PHONE", "start": start, "end": start + len("+44 20 7946 0958")}
    ]
    assert out.loc[2, "sentiment"] == "positive" and out.loc[3, "redacted"] == ""


def test_order_numbers_keep_their_value_and_nothing_else_does(analyzer: TextAnalyzer) -> None:
    out = analyzer.analyse(["Order SO-00001234: refund to card 4111 1111 1111 1111 please"])
    kinds = {e["kind"]: e for e in out.loc[0, "entities"]}
    assert kinds["ORDER"]["value"] == "SO-00001234" and "value" not in kinds["CARD"]
    assert "4111" not in out.loc[0, "redacted"]


def test_empty_batch(analyzer: TextAnalyzer) -> None:
    assert analyzer.analyse([]).empty
