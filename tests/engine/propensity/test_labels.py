"""Churn and purchase labels from transactions at rolling as-of dates, without leakage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartcrm.engine.propensity import build_churn_training_frame, build_purchase_training_frame, rfm_features


@pytest.fixture
def transactions() -> pd.DataFrame:
    rows = [
        ("a", "2024-01-05", 20.0, "books"),
        ("a", "2024-02-05", 30.0, "books"),
        ("a", "2024-03-25", 10.0, "toys"),
        ("a", "2024-04-20", 15.0, "books"),  # a buys again within 30 days of 2024-03-31
        ("b", "2024-03-01", 100.0, "toys"),  # b never comes back
        ("c", "2024-04-10", 50.0, "garden"),  # c is new after the first as-of date
        ("d", "2024-06-30", 5.0, "books"),  # marks the end of the data
    ]
    return pd.DataFrame(rows, columns=["customer_id", "date", "amount", "category"])


def test_rfm_features_from_the_past_only(transactions: pd.DataFrame) -> None:
    features = rfm_features(transactions, pd.Timestamp("2024-03-31"))
    assert list(features.index) == ["a", "b"]
    a = features.loc["a"]
    assert a["recency_days"] == 6
    assert a["frequency"] == 3
    assert a["monetary_sum"] == 60
    assert a["monetary_mean"] == 20
    assert a["tenure_days"] == 86
    assert a["mean_gap_days"] == pytest.approx((31 + 49) / 2)
    assert a["gap_trend_days"] == 49 - 31
    assert a["orders_last_90d"] == 3  # 2024-01-05 is 86 days before
    assert a["top_category_share"] == pytest.approx(2 / 3)
    assert np.isnan(features.loc["b", "mean_gap_days"])


def test_churn_labels_at_rolling_as_of_dates(transactions: pd.DataFrame) -> None:
    frame = build_churn_training_frame(transactions, ["2024-03-31", "2024-04-15"], horizon_days=30)
    labels = frame.set_index(["as_of", "customer_id"])["churned"]
    assert labels.to_dict() == {
        (pd.Timestamp("2024-03-31"), "a"): False,
        (pd.Timestamp("2024-03-31"), "b"): True,
        (pd.Timestamp("2024-04-15"), "a"): False,
        (pd.Timestamp("2024-04-15"), "b"): True,
        (pd.Timestamp("2024-04-15"), "c"): True,
    }
    assert {"recency_days", "frequency", "top_category_share"} <= set(frame.columns)


def test_an_order_after_as_of_changes_the_label_but_never_the_features(transactions: pd.DataFrame) -> None:
    as_of = ["2024-03-31"]
    before = build_churn_training_frame(transactions, as_of, horizon_days=30)
    later = pd.DataFrame([("b", "2024-04-02", 999.0, "garden")], columns=transactions.columns)
    after = build_churn_training_frame(pd.concat([transactions, later]), as_of, horizon_days=30)
    features = [c for c in before.columns if c != "churned"]
    pd.testing.assert_frame_equal(before[features], after[features])
    assert before.set_index("customer_id").loc["b", "churned"]
    assert not after.set_index("customer_id").loc["b", "churned"]


def test_custom_feature_functions_only_see_the_past(transactions: pd.DataFrame) -> None:
    seen: list[pd.Timestamp] = []

    def features(history: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
        seen.append(pd.to_datetime(history["date"]).max())
        assert (pd.to_datetime(history["date"]) <= as_of).all()
        return history.groupby("customer_id").agg(spend=("amount", "sum"))

    frame = build_churn_training_frame(transactions, ["2024-03-31"], horizon_days=30, features=features)
    assert list(frame.columns) == ["customer_id", "as_of", "spend", "churned"]
    assert seen == [pd.Timestamp("2024-03-25")]


def test_as_of_dates_whose_horizon_is_not_observed_are_refused(transactions: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="run past the end of the data"):
        build_churn_training_frame(transactions, ["2024-06-15"], horizon_days=30)


def test_purchase_labels_overall_and_for_a_category(transactions: pd.DataFrame) -> None:
    overall = build_purchase_training_frame(transactions, ["2024-03-31"], horizon_days=30)
    assert overall.set_index("customer_id")["purchased"].to_dict() == {"a": True, "b": False}
    toys = build_purchase_training_frame(transactions, ["2024-03-31"], horizon_days=30, category="toys")
    assert toys.set_index("customer_id")["purchased"].to_dict() == {"a": False, "b": False}


def test_missing_transaction_columns_are_named() -> None:
    with pytest.raises(ValueError, match=r"missing \['amount'\]"):
        build_churn_training_frame(
            pd.DataFrame({"customer_id": [1], "date": ["2024-01-01"]}), ["2024-01-01"], horizon_days=1
        )
