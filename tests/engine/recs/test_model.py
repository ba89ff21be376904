"""The collaborative model on a real subsample of ml-100k, through the evaluation's own code path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smartcrm.engine.recs import CollaborativeRecommender, holdout_per_user
from smartcrm.evaluation import recs as recs_eval
from smartcrm.evaluation.datasets import movielens

SMALL = {
    "lambdas": (100.0, 250.0),
    "user_weight_powers": (0.0, 0.5),
    "popularity_powers": (0.0,),
    "ials_regularizations": (10.0,),
    "ials_seeds": 1,
    "blend_weights": (0.0, 0.3),
}
# One EASE setting against another: enough to show what the search may and may not look at.
TINY = {
    "lambdas": (50.0, 250.0),
    "user_weight_powers": (0.0,),
    "popularity_powers": (0.0,),
    "blend_weights": (0.0,),
}


@pytest.fixture(scope="module")
def split() -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = recs_eval.sample_users(movielens.load_interactions(), 200, seed=0)
    return holdout_per_user(frame, 0.1, seed=0)


def test_split_holds_out_a_tenth_per_user_with_no_overlap(split: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    train, test = split
    both = train.merge(test, on=["user_id", "item_id"])
    assert both.empty
    per_user = test.groupby("user_id").size() / (
        train.groupby("user_id").size() + test.groupby("user_id").size()
    )
    assert per_user.between(0.05, 0.15).all()
    assert set(test["user_id"]) <= set(train["user_id"])


def test_tuned_blend_beats_popularity_and_matches_ease(split: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    train, test = split
    figures = recs_eval.evaluate(train, test, model_options=SMALL)
    baselines = figures["baselines"]
    assert figures["recall_at_10"] > 1.5 * baselines["popularity"]["recall_at_10"]
    assert figures["ndcg_at_10"] > 1.5 * baselines["popularity"]["ndcg_at_10"]
    # Never much worse than plain EASE(250): the search includes it.
    assert figures["ndcg_at_10"] > baselines["ease_lambda_250"]["ndcg_at_10"] - 0.02
    assert {row["stage"] for row in figures["inner_validation"]} >= {"ease", "ials", "blend"}


def test_tuning_never_sees_the_test_split(split: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """Scrambling the held-out items changes the score, never the settings chosen."""
    train, test = split
    scrambled = test.assign(item_id=np.random.default_rng(1).choice(train["item_id"].unique(), len(test)))
    first = recs_eval.evaluate(train, test, model_options=TINY)
    second = recs_eval.evaluate(train, scrambled, model_options=TINY)
    assert first["chosen"] == second["chosen"]
    assert first["inner_validation"] == second["inner_validation"]
    assert second["recall_at_10"] < first["recall_at_10"]


def test_recommend_excludes_seen_items_and_explains(split: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    train, _ = split
    model = CollaborativeRecommender(tune=False).fit(train)
    users = train["user_id"].unique()[:20]
    top = model.recommend(users, k=10)
    assert (
        len(top) == 200
        and top.groupby("user_id")["rank"].apply(list).map(lambda r: r == list(range(1, 11))).all()
    )
    seen = top.merge(train, on=["user_id", "item_id"])
    assert seen.empty
    anchors = model.explain(users[0], top[top["user_id"] == users[0]]["item_id"].tolist())
    history = set(train.loc[train["user_id"] == users[0], "item_id"])
    assert any(a is not None for a in anchors) and all(a in history for a in anchors if a is not None)
    assert model.recommend(["nobody"], k=5).empty


def test_own_csv_with_a_time_horizon(tmp_path: Path) -> None:
    path = tmp_path / "interactions.csv"
    frame = movielens.load_interactions()
    frame[frame["item_id"] <= 300][["user_id", "item_id", "timestamp"]].head(4000).to_csv(path, index=False)
    figures = recs_eval.run({"csv": str(path), "horizon": 2, "model_options": TINY})
    assert figures["protocol"].startswith("each user's last 2")
    assert 0 <= figures["recall_at_10"] <= 1


def test_bad_csv_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("user_id,item_id\n1,10\n,11\n2,12\n")
    with pytest.raises(ValueError, match="line"):
        recs_eval.load_csv(str(path))
    path.write_text("customer,product\n1,2\n")
    with pytest.raises(ValueError, match="missing column"):
        recs_eval.load_csv(str(path))
