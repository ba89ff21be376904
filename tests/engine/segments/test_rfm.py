from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from smartcrm.engine.segments import RFMSegmenter
from smartcrm.engine.segments.rfm_rules import SEGMENTS, segment_grid
from tests.engine.segments.conftest import Shop


def frame(recency: list[float], frequency: list[float], monetary: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {"days_since_last_order": recency, "orders_count": frequency, "total_spent": monetary},
        index=pd.Index(range(1, len(recency) + 1), name="customer_id"),
    )


def test_rule_table_gives_every_cell_of_the_grid_exactly_one_of_eleven_segments() -> None:
    grid = segment_grid()
    assert len(SEGMENTS) == 11
    assert (grid[1:, 1:] >= 0).all()
    assert sorted(set(grid[1:, 1:].ravel().tolist())) == list(range(11))


def test_fit_learns_quantile_cut_points_and_returns_self() -> None:
    features = frame(list(range(100)), list(range(1, 101)), [float(x) for x in range(100)])
    model = RFMSegmenter()
    assert model.fit(features) is model
    assert set(model.bin_edges_) == {"recency", "frequency", "monetary"}
    assert all(len(e) == 4 for e in model.bin_edges_.values())
    scores = model.assign(features)
    # Evenly spread values → 20 customers per score; recency reversed (recent is good).
    assert scores["f_score"].value_counts().to_dict() == {1: 20, 2: 20, 3: 20, 4: 20, 5: 20}
    assert scores.loc[1, "r_score"] == 5
    assert scores.loc[100, "r_score"] == 1
    assert scores.loc[100, "rfm_code"] == "155"


def test_ties_at_a_cut_point_all_take_the_same_worse_score() -> None:
    # 70% bought once: the quantile cut points repeat (1, 1, 1, 2).
    rng = np.random.default_rng(0)
    frequency = [1.0] * 700 + rng.integers(2, 20, size=300).astype(float).tolist()
    features = frame(rng.uniform(0, 700, 1000).tolist(), frequency, rng.lognormal(4, 1, 1000).tolist())
    scores = RFMSegmenter().fit(features).assign(features)
    one_timers = scores.loc[features["orders_count"] == 1, "f_score"]
    assert one_timers.unique().tolist() == [1]
    # Scores never go down as frequency goes up.
    by_value = scores.groupby(features["orders_count"])["f_score"].agg(["min", "max"])
    assert (by_value["min"].to_numpy()[1:] >= by_value["max"].to_numpy()[:-1]).all()
    assert scores["f_score"].max() == 5


def test_all_customers_equal_gets_one_score_without_error() -> None:
    features = frame([10.0] * 50, [1.0] * 50, [20.0] * 50)
    scores = RFMSegmenter().fit(features).assign(features)
    assert scores["f_score"].unique().tolist() == [1]
    assert scores["r_score"].unique().tolist() == [1]
    assert scores["segment"].unique().tolist() == ["lost"]


def test_named_segments_follow_the_rule_table() -> None:
    features = frame(list(range(100)), list(range(1, 101)), [float(x) for x in range(100)])
    model = RFMSegmenter().fit(features)
    # Recent and frequent vs long ago and rare, by hand.
    probe = frame([1.0, 1.0, 99.0, 99.0, 50.0], [100.0, 1.0, 100.0, 1.0, 50.0], [1.0] * 5)
    assigned = model.assign(probe)
    assert assigned["segment"].tolist() == [
        "champions",
        "new_customers",
        "cant_lose",
        "lost",
        "need_attention",
    ]
    assert assigned["segment_description"].str.len().min() > 10


def test_fm_mode_ranks_a_one_off_big_spender_above_a_one_off_small_one() -> None:
    features = frame(list(range(100)), list(range(1, 101)), [float(x) for x in range(100)])
    model = RFMSegmenter(segment_on="fm").fit(features)
    probe = frame([1.0, 1.0], [1.0, 1.0], [99.0, 0.0])
    assert model.assign(probe)["segment"].tolist() == ["potential_loyalists", "new_customers"]


def test_other_bin_counts_are_named_on_the_five_point_scale() -> None:
    features = frame(list(range(100)), list(range(1, 101)), [float(x) for x in range(100)])
    assigned = RFMSegmenter(n_bins=3).fit(features).assign(features)
    assert set(assigned["r_score"]) == {1, 2, 3}
    # 1 → 1, 2 → 3, 3 → 5 on the rule table's scale.
    assert assigned.loc[1, "segment"] == "new_customers"  # R 3 → 5, F 1 → 1
    assert assigned.loc[50, "segment"] == "need_attention"  # R 2 → 3, F 2 → 3
    assert assigned.loc[100, "segment"] == "cant_lose"  # R 1 → 1, F 3 → 5


def test_assign_before_fit_is_a_clear_error() -> None:
    with pytest.raises(NotFittedError, match="not fitted"):
        RFMSegmenter().assign(frame([1.0], [1.0], [1.0]))


def test_missing_columns_are_named() -> None:
    with pytest.raises(ValueError, match="orders_count, total_spent"):
        RFMSegmenter().fit(pd.DataFrame({"days_since_last_order": [1.0]}))


def test_missing_values_are_refused() -> None:
    with pytest.raises(ValueError, match="total_spent has 1 missing"):
        RFMSegmenter().fit(frame([1.0, 2.0], [1.0, 2.0], [1.0, np.nan]))


def test_on_the_synthetic_shop_segments_order_customers_by_value(shop: Shop) -> None:
    model = RFMSegmenter().fit(shop.features)
    table = model.describe(shop.features)
    assert table["customers"].sum() == len(shop.features)
    assert (table["customers"] > 0).sum() >= 9
    spend = table["mean_monetary"]
    assert spend["champions"] > spend["loyal_customers"] > spend["hibernating"] > spend["lost"]
    recency = table["median_recency_days"]
    assert recency["champions"] < recency["at_risk"] < recency["lost"]
    assigned = model.assign(shop.features)
    assert (shop.features.loc[assigned["segment"] == "new_customers", "orders_count"] == 1).all()
