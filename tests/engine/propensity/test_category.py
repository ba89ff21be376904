"""Category propensity: (customer, category) rows, labels from the window after the as-of date,
no leakage, and each customer's top categories."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartcrm.engine.propensity.category import (
    build_category_training_frame,
    category_features,
    top_categories,
    top_per_customer,
)

TX = pd.DataFrame(
    {
        "customer_id": [1, 1, 1, 2, 2, 3],
        "date": pd.to_datetime(
            ["2025-01-01", "2025-02-01", "2025-03-15", "2025-01-10", "2025-03-20", "2025-02-20"]
        ),
        "category": ["baby", "baby", "garden", "garden", "baby", "garden"],
        "amount": [10.0, 20.0, 5.0, 7.0, 3.0, 9.0],
    }
)
CATEGORIES = ["baby", "garden"]


def test_one_row_per_customer_and_category_from_history_only() -> None:
    as_of = pd.Timestamp("2025-02-28")
    features = category_features(TX, as_of, CATEGORIES)
    assert sorted(zip(features.index, features["category"].astype(str), strict=True)) == [
        (1, "baby"),
        (1, "garden"),
        (2, "baby"),
        (2, "garden"),
        (3, "baby"),
        (3, "garden"),
    ]
    one = features.loc[1].set_index("category")
    assert one.loc["baby", "category_orders"] == 2
    assert one.loc["baby", "category_spend"] == 30.0
    assert one.loc["baby", "category_recency_days"] == 27
    assert one.loc["baby", "category_share"] == 1.0
    # Customer 1's garden purchase is on 2025-03-15, after the as-of date: unseen.
    assert one.loc["garden", "category_orders"] == 0
    assert np.isnan(one.loc["garden", "category_recency_days"])
    assert one.loc["garden", "frequency"] == 2


def test_features_never_see_a_later_order() -> None:
    as_of = pd.Timestamp("2025-02-28")
    later = pd.DataFrame(
        {
            "customer_id": [1, 2],
            "date": pd.to_datetime(["2025-03-01", "2026-01-01"]),
            "category": ["garden", "baby"],
            "amount": [1000.0, 1000.0],
        }
    )
    before = category_features(TX, as_of, CATEGORIES)
    after = category_features(pd.concat([TX, later]), as_of, CATEGORIES)
    pd.testing.assert_frame_equal(before, after)


def test_labels_are_purchases_in_that_category_within_the_horizon() -> None:
    frame = build_category_training_frame(TX, ["2025-02-28"], 30, CATEGORIES, data_end="2025-04-30")
    labels = {(r.customer_id, str(r.category)): r.purchased for r in frame.itertuples()}
    assert labels == {
        (1, "baby"): False,
        (1, "garden"): True,  # 2025-03-15
        (2, "baby"): True,  # 2025-03-20
        (2, "garden"): False,
        (3, "baby"): False,
        (3, "garden"): False,
    }


def test_an_as_of_date_whose_window_is_not_observed_is_refused() -> None:
    with pytest.raises(ValueError, match="run past the end"):
        build_category_training_frame(TX, ["2025-03-10"], 30, CATEGORIES, data_end="2025-03-20")


def test_missing_columns_are_named() -> None:
    with pytest.raises(ValueError, match="missing \\['category'\\]"):
        category_features(TX.drop(columns="category"), pd.Timestamp("2025-02-28"), CATEGORIES)


def test_top_categories_by_purchases() -> None:
    assert top_categories(TX, 1) == ["baby"]  # three purchases each: ties go alphabetically
    assert top_categories(TX[TX["customer_id"] != 1], 1) == ["garden"]
    assert top_categories(TX, 5) == ["baby", "garden"]


def test_top_per_customer_best_first() -> None:
    top = top_per_customer(
        np.array([1, 1, 1, 2, 2]),
        np.array(["a", "b", "c", "a", "b"]),
        np.array([0.1, 0.5, 0.3, 0.2, 0.1]),
        k=2,
    )
    assert top[["customer_id", "category", "rank"]].values.tolist() == [
        [1, "b", 1],
        [1, "c", 2],
        [2, "a", 1],
        [2, "b", 2],
    ]
