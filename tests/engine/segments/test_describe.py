from __future__ import annotations

import json

import pandas as pd

from smartcrm.engine.reasons import Reason
from smartcrm.engine.segments.describe import behaviour_words, cluster_labels


def test_words_come_from_the_strongest_differences_first() -> None:
    z = pd.Series({"orders_count": 1.2, "avg_basket_items": -2.0, "avg_order_value": 0.1})
    assert behaviour_words(z) == ["small-basket", "frequent"]


def test_label_names_a_standout_category_and_channel() -> None:
    z = pd.DataFrame({"orders_count": [1.0, -1.0]})
    shares = pd.DataFrame({"baby": [0.7, 0.05], "books": [0.1, 0.5], "toys": [0.2, 0.05]})
    channels = pd.DataFrame({"mobile": [0.9, 0.2], "web": [0.1, 0.8]})
    labels = [
        label.english()
        for label in cluster_labels(
            z, shares, shares.mean(), channels, pd.Series({"mobile": 0.3, "web": 0.7}), {"baby": "baby"}
        )
    ]
    assert labels == [
        "frequent baby and toys shoppers, mostly on mobile",
        "occasional books shoppers",
    ]


def test_identical_profiles_still_get_unique_labels() -> None:
    z = pd.DataFrame({"orders_count": [0.0, 0.0, 0.1]})
    none = pd.DataFrame(index=z.index)
    reasons = cluster_labels(z, none, pd.Series(dtype=float), none, pd.Series(dtype=float), {})
    labels = [label.english() for label in reasons]
    assert len(set(labels)) == 3
    assert all(label for label in labels)


def test_a_label_is_data_that_reads_the_same_in_english() -> None:
    z = pd.DataFrame({"orders_count": [1.0, -1.0], "avg_basket_items": [-0.8, 0.0]})
    none = pd.DataFrame(index=z.index)
    channels = pd.DataFrame({"mobile": [0.9, 0.2], "web": [0.1, 0.8]})
    first = cluster_labels(
        z, none, pd.Series(dtype=float), channels, pd.Series({"mobile": 0.3, "web": 0.7}), {}
    )[0]
    assert first.code == "cluster.channel"
    assert first.english() == "frequent, small-basket shoppers across categories, mostly on mobile"
    assert Reason.from_json(json.loads(json.dumps(first.as_json()))) == first
