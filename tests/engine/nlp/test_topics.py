"""Topics on a small synthetic shop (the evaluation's code path), labels, trends and emerging topics."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from smartcrm.engine.evaluation import topics as topics_eval
from smartcrm.engine.nlp.topics import TopicModel, emerging_topics, tokenize, topic_trends


@pytest.fixture(scope="module")
def feedback() -> pd.DataFrame:
    return topics_eval.feedback_frame(n_customers=1500, seed=5)


def test_topics_agree_with_planted_causes(feedback: pd.DataFrame) -> None:
    result = topics_eval.score(feedback, n_topics=8)
    # Floors below the measured figures (docs/models/nlp.md); the 0.6 is not yet met overall.
    assert result["ari_by_language"]["en"] >= 0.5
    assert result["ari"] >= 0.35
    assert result["n_topics"] == 16 and result["n_causes"] >= 8


def test_labels_are_readable_keywords(feedback: pd.DataFrame) -> None:
    model = TopicModel(n_topics=6).fit(feedback["text"].tolist(), feedback["lang"].tolist())
    assert set(model.topics_["lang"]) == {"en", "zh"}
    for row in model.topics_.itertuples():
        assert row.label and len(row.keywords) >= 3
    zh_words = " ".join(" ".join(k) for k in model.topics_[model.topics_["lang"] == "zh"]["keywords"])
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh_words)


def test_tokenizer_segments_chinese_and_drops_stop_words() -> None:
    assert tokenize("Hi, the delivery was late") == ["delivery", "late"]
    assert "物流" in tokenize("你好，物流太慢了")


def test_trends_and_emerging_topics() -> None:
    dates = [datetime(2025, 1, d, tzinfo=UTC) for d in range(1, 29)] + [
        datetime(2025, 3, d, tzinfo=UTC) for d in range(1, 11)
    ]
    topics = ["a"] * 28 + ["b"] * 10
    trends = topic_trends(topics, dates, freq="M")
    assert (
        trends.loc[pd.Timestamp("2025-01-01"), "a"] == 28
        and trends.loc[pd.Timestamp("2025-03-01"), "b"] == 10
    )
    flags = emerging_topics(topics, dates, as_of=datetime(2025, 3, 15, tzinfo=UTC), recent_days=30).set_index(
        "topic"
    )
    assert bool(flags.loc["b", "emerging"]) and not bool(flags.loc["a", "emerging"])


def test_unfitted_model_fails_clearly() -> None:
    with pytest.raises(RuntimeError, match="not fitted"):
        TopicModel().predict_topic(["x"])
