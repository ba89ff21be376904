"""Sentiment features as of a date: counts and scores of the last 90 days, never a later text."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from smartcrm.engine.propensity.text_features import COLUMNS, text_sentiment_features

TEXTS = pd.DataFrame(
    {
        "customer_id": [1, 1, 1, 2],
        "at": pd.to_datetime(
            ["2025-01-05 10:00", "2025-03-01 09:00", "2025-03-31 23:00", "2024-06-01 00:00"]
        ),
        "score": [0.8, -0.6, -0.9, -0.5],
        "negative": [False, True, True, True],
        "is_ticket": [False, True, False, True],
    }
)
AS_OF = pd.Timestamp("2025-03-31")


def test_counts_and_scores_of_the_window() -> None:
    out = text_sentiment_features(TEXTS, AS_OF, pd.Index([1, 2, 3]))
    assert list(out.columns) == list(COLUMNS)
    one = out.loc[1]
    # 2025-01-05 is within 90 days of 2025-03-31; the as-of day's own text counts.
    assert (one["texts_90d"], one["negative_texts_90d"], one["negative_tickets_90d"]) == (3, 2, 1)
    assert one["mean_sentiment_90d"] == pytest.approx((0.8 - 0.6 - 0.9) / 3)
    assert one["last_sentiment"] == -0.9
    assert one["days_since_negative"] == 0
    two = out.loc[2]  # one negative ticket, long ago: outside the window, still the latest text
    assert (two["texts_90d"], two["last_sentiment"], two["days_since_negative"]) == (0, -0.5, 303)
    assert math.isnan(two["mean_sentiment_90d"])
    three = out.loc[3]  # never wrote
    assert three["texts_90d"] == 0 and math.isnan(three["last_sentiment"])


def test_a_later_text_is_never_seen() -> None:
    later = pd.DataFrame(
        {
            "customer_id": [1, 2],
            "at": pd.to_datetime(["2025-04-01 00:00", "2026-01-01 00:00"]),
            "score": [-1.0, -1.0],
            "negative": [True, True],
            "is_ticket": [True, True],
        }
    )
    customers = pd.Index([1, 2])
    pd.testing.assert_frame_equal(
        text_sentiment_features(TEXTS, AS_OF, customers),
        text_sentiment_features(pd.concat([TEXTS, later]), AS_OF, customers),
    )


def test_missing_columns_are_named() -> None:
    with pytest.raises(ValueError, match="missing \\['is_ticket'\\]"):
        text_sentiment_features(TEXTS.drop(columns="is_ticket"), AS_OF, pd.Index([1]))
