"""Next basket and rules on a real subsample of the Instacart sample, through the evaluation's code path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smartcrm.engine.basket import RepurchaseRecommender, bought_together, last_basket_split, mine_rules
from smartcrm.engine.basket.rules import category_lines
from smartcrm.evaluation import basket as basket_eval
from smartcrm.evaluation.datasets import instacart


@pytest.fixture(scope="module")
def lines() -> pd.DataFrame:
    frame = instacart.load_order_lines().rename(
        columns={"order_id": "basket_id", "product_id": "item_id", "order_number": "order"}
    )
    users = frame["user_id"].drop_duplicates().sample(150, random_state=0)
    return frame[frame["user_id"].isin(users)].reset_index(drop=True)


def test_next_basket_beats_personal_frequency_and_popularity(lines: pd.DataFrame) -> None:
    figures = basket_eval.evaluate(lines, min_support=0.005)
    baselines = figures["baselines"]
    assert figures["next_basket_recall_at_10"] > baselines["personal_frequency"]
    assert baselines["personal_frequency"] > 3 * baselines["popularity"]
    assert figures["rules"]["count"] > 0 and figures["rules"]["top"]


def test_the_held_out_basket_is_never_seen_when_tuning(lines: pd.DataFrame) -> None:
    train, test = last_basket_split(lines)
    last = lines.groupby("user_id")["order"].max()
    assert (train.groupby("user_id")["order"].max() < last.reindex(train["user_id"].unique())).all()
    scrambled = test.assign(item_id=np.random.default_rng(0).choice(lines["item_id"].unique(), len(test)))
    first = RepurchaseRecommender().fit(train)
    assert first.validation_ == RepurchaseRecommender().fit(train).validation_
    assert basket_eval.basket_recall(first.recommend(10), scrambled) < basket_eval.basket_recall(
        first.recommend(10), test
    )


def test_recency_decay_ranks_recent_habits_first() -> None:
    old = pd.DataFrame({"user_id": 1, "basket_id": [1, 2, 3], "item_id": "tea", "order": [1, 2, 3]})
    new = pd.DataFrame({"user_id": 1, "basket_id": [4, 5], "item_id": "coffee", "order": [4, 5]})
    model = RepurchaseRecommender(decays=(0.5,), tune=False, fill_with_popular=False).fit(
        pd.concat([old, new])
    )
    assert model.recommend(2)["item_id"].tolist() == ["coffee", "tea"]
    flat = RepurchaseRecommender(decays=(1.0,), tune=False, fill_with_popular=False).fit(
        pd.concat([old, new])
    )
    assert flat.recommend(2)["item_id"].tolist() == ["tea", "coffee"]


def test_rules_have_consistent_measures(lines: pd.DataFrame) -> None:
    rules = mine_rules(lines, min_support=0.005, max_len=2)
    assert not rules.empty
    row = rules.iloc[0]
    assert row.confidence == pytest.approx(row.support / row.antecedent_support)
    assert row.lift == pytest.approx(row.confidence / row.consequent_support)
    assert rules["lift"].is_monotonic_decreasing
    categories = pd.Series({item: f"aisle-{item % 7}" for item in lines["item_id"].unique()})
    by_category = mine_rules(category_lines(lines, categories), min_support=0.05)
    assert set(np.concatenate([list(a) for a in by_category["antecedents"]])) <= set(categories.unique())


def test_bought_together_counts_shared_baskets() -> None:
    lines = pd.DataFrame({"basket_id": [1, 1, 2, 2, 3, 3, 4], "item_id": ["a", "b", "a", "b", "a", "c", "c"]})
    pairs = bought_together(lines, min_baskets=2)
    ab = pairs[(pairs["item_id"] == "a") & (pairs["other_item_id"] == "b")].iloc[0]
    assert (
        ab.baskets == 2
        and ab.confidence == pytest.approx(2 / 3)
        and ab.lift == pytest.approx((2 / 3) / (2 / 4))
    )
    assert pairs[pairs["item_id"] == "c"].empty  # a-c shares one basket only


def test_own_csv_without_users_gives_rules_only(tmp_path: Path) -> None:
    path = tmp_path / "baskets.csv"
    pd.DataFrame({"basket_id": [1, 1, 2, 2, 3, 3], "item_id": ["x", "y", "x", "y", "x", "z"]}).to_csv(
        path, index=False
    )
    figures = basket_eval.run({"csv": str(path), "min_support": 0.5})
    assert "next_basket_recall_at_10" not in figures and figures["rules"]["count"] >= 2
    path.write_text("basket_id,item_id,user_id\n1,x,\n")
    with pytest.raises(ValueError, match="line"):
        basket_eval.load_csv(str(path))
