from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from smartcrm.engine.features import customer_features, lines_with_category
from smartcrm.synth.generator import ShopGenerator
from smartcrm.synth.spec import ShopSpec

AS_OF = pd.Timestamp("2025-03-31 12:00")  # naive, like the columns (UTC)


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    """Customer 1: three orders, 10 and 20 days apart; customer 2: one order; customer 3 only
    buys after ``AS_OF``; order 5 was cancelled."""
    orders = pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5, 6],
            "customer_id": [1, 1, 1, 2, 2, 3],
            "placed_at": [
                ts("2025-03-01 12:00"),
                ts("2025-03-11 12:00"),
                ts("2025-03-31 12:00"),
                ts("2025-01-30 12:00"),
                ts("2025-03-30 12:00"),
                ts("2025-04-02 09:00"),
            ],
            "total": [100.0, 50.0, 50.0, 80.0, 999.0, 10.0],
            "channel": ["web", "mobile", "mobile", "web", "web", "pos"],
            "discount_total": [0.0, 10.0, 0.0, 0.0, 0.0, 0.0],
            "refunded_total": [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            "status": ["delivered", "delivered", "paid", "delivered", "cancelled", "paid"],
        }
    )
    lines = pd.DataFrame(
        {
            "order_id": [1, 1, 2, 3, 4, 5, 6],
            "category": ["baby", "toys", "baby", "baby", "books", "toys", "toys"],
            "quantity": [2, 1, 1, 2, 1, 5, 1],
            "line_total": [60.0, 40.0, 50.0, 50.0, 80.0, 999.0, 10.0],
        }
    )
    tickets = pd.DataFrame(
        {
            "customer_id": [1, 1, 2],
            "created_at": [ts("2024-11-01"), ts("2025-03-15"), ts("2025-02-01")],
            "sentiment": [-0.5, 0.5, -1.0],
        }
    )
    reviews = pd.DataFrame(
        {"customer_id": [1, 1], "rating": [5, 2], "created_at": [ts("2025-03-05"), ts("2025-03-20")]}
    )
    refunds = pd.DataFrame({"order_id": [1], "amount": [40.0], "created_at": [ts("2025-03-10")]})
    return {"orders": orders, "lines": lines, "tickets": tickets, "reviews": reviews, "refunds": refunds}


def features_of(t: dict[str, pd.DataFrame], as_of: date | pd.Timestamp = AS_OF) -> pd.DataFrame:
    return customer_features(
        t["orders"],
        t["lines"],
        t["tickets"],
        t["reviews"],
        as_of=as_of,
        refunds=t["refunds"],
    )


def test_one_row_per_customer_with_an_order_by_the_date(tables: dict[str, pd.DataFrame]) -> None:
    f = features_of(tables)
    assert f.index.tolist() == [1, 2]
    assert f.index.name == "customer_id"


def test_recency_frequency_monetary_and_gaps(tables: dict[str, pd.DataFrame]) -> None:
    one = features_of(tables).loc[1]
    assert one["orders_count"] == 3
    assert one["total_spent"] == 200.0
    assert one["avg_order_value"] == pytest.approx(200 / 3)
    assert one["days_since_last_order"] == pytest.approx(0.0, abs=1e-6)
    assert one["tenure_days"] == pytest.approx(30.0)
    assert one["mean_gap_days"] == pytest.approx(15.0)
    assert one["last_gap_days"] == pytest.approx(20.0)
    assert one["gap_trend"] == pytest.approx(20 / 15)  # > 1: slowing down
    assert one["orders_90d"] == 3


def test_a_single_order_has_no_gaps(tables: dict[str, pd.DataFrame]) -> None:
    two = features_of(tables).loc[2]
    assert two["orders_count"] == 1  # the cancelled order does not count
    assert two["total_spent"] == 80.0
    assert np.isnan(two["mean_gap_days"])
    assert np.isnan(two["gap_trend"])
    assert two["days_since_last_order"] == pytest.approx(60.0)


def test_basket_category_channel_discount_and_refunds(tables: dict[str, pd.DataFrame]) -> None:
    one = features_of(tables).loc[1]
    assert one["avg_basket_items"] == pytest.approx(6 / 3)
    assert one["top_category"] == "baby"
    assert one["top_category_share"] == pytest.approx(160 / 200)
    assert one["share_toys"] == pytest.approx(40 / 200)
    assert one["share_books"] == 0.0
    assert one["n_categories"] == 2
    assert one["main_channel"] == "mobile"
    assert one["main_channel_share"] == pytest.approx(2 / 3)
    assert one["discount_share"] == pytest.approx(1 / 3)
    assert one["refund_rate"] == pytest.approx(40 / 200)


def test_tickets_and_reviews(tables: dict[str, pd.DataFrame]) -> None:
    f = features_of(tables)
    assert f.loc[1, "tickets_total"] == 2
    assert f.loc[1, "tickets_90d"] == 1
    assert f.loc[1, "avg_ticket_sentiment"] == pytest.approx(0.0)
    assert f.loc[1, "avg_review_rating"] == pytest.approx(3.5)
    assert f.loc[2, "reviews_count"] == 0
    assert np.isnan(f.loc[2, "avg_review_rating"])


def test_nothing_after_the_date_leaks_in(tables: dict[str, pd.DataFrame]) -> None:
    before = features_of(tables)
    later = ts("2025-03-31 12:00:01")
    t = dict(tables)
    t["orders"] = pd.concat(
        [
            tables["orders"],
            pd.DataFrame(
                {
                    "id": [7],
                    "customer_id": [1],
                    "placed_at": [later],
                    "total": [5000.0],
                    "channel": ["pos"],
                    "discount_total": [100.0],
                    "refunded_total": [0.0],
                    "status": ["paid"],
                }
            ),
        ],
        ignore_index=True,
    )
    t["lines"] = pd.concat(
        [
            tables["lines"],
            pd.DataFrame({"order_id": [7], "category": ["books"], "quantity": [50], "line_total": [5000.0]}),
        ],
        ignore_index=True,
    )
    t["tickets"] = pd.concat(
        [tables["tickets"], pd.DataFrame({"customer_id": [2], "created_at": [later], "sentiment": [-1.0]})],
        ignore_index=True,
    )
    t["reviews"] = pd.concat(
        [tables["reviews"], pd.DataFrame({"customer_id": [2], "rating": [1], "created_at": [later]})],
        ignore_index=True,
    )
    t["refunds"] = pd.concat(
        [tables["refunds"], pd.DataFrame({"order_id": [4], "amount": [80.0], "created_at": [later]})],
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(features_of(t), before)


def test_a_date_means_the_end_of_that_day(tables: dict[str, pd.DataFrame]) -> None:
    by_date = features_of(tables, as_of=date(2025, 3, 31))
    assert by_date.loc[1, "orders_count"] == 3
    assert by_date.loc[1, "days_since_last_order"] == pytest.approx(0.5)
    assert features_of(tables, as_of=date(2025, 3, 30)).loc[1, "orders_count"] == 2


def test_time_zone_aware_columns(tables: dict[str, pd.DataFrame]) -> None:
    t = dict(tables)
    t["orders"] = tables["orders"].assign(placed_at=tables["orders"]["placed_at"].dt.tz_localize("UTC"))
    aware = features_of(t, as_of=pd.Timestamp(AS_OF, tz="UTC"))
    pd.testing.assert_series_equal(aware["orders_count"], features_of(tables)["orders_count"])


def test_orders_alone_are_enough() -> None:
    orders = pd.DataFrame(
        {"customer_id": [1, 1], "placed_at": [ts("2025-01-01"), ts("2025-01-11")], "total": [1.0, 2.0]}
    )
    f = customer_features(orders, as_of=date(2025, 1, 31))
    assert f.loc[1, "orders_count"] == 2
    assert np.isnan(f.loc[1, "discount_share"])


def test_missing_columns_are_named(tables: dict[str, pd.DataFrame]) -> None:
    with pytest.raises(ValueError, match=r"orders is missing required column.*placed_at, total"):
        customer_features(pd.DataFrame({"customer_id": [1]}), as_of=AS_OF)
    with pytest.raises(ValueError, match=r"lines is missing required column.*category"):
        customer_features(tables["orders"], tables["lines"].drop(columns="category"), as_of=AS_OF)


def test_on_the_synthetic_shop_counts_match_the_visible_orders() -> None:
    end = date(2025, 6, 30)
    shop = ShopGenerator(ShopSpec(n_customers=500, seed=3, end=end)).generate()
    lines = lines_with_category(shop["order_lines"], shop["products"], shop["categories"])
    as_of = date(2025, 1, 31)
    f = customer_features(shop["orders"], lines, shop["tickets"], shop["reviews"], as_of=as_of)
    orders = shop["orders"]
    visible = orders[(orders["placed_at"] < pd.Timestamp("2025-02-01")) & (orders["status"] != "cancelled")]
    assert f["orders_count"].sum() == len(visible)
    assert f["total_spent"].sum() == pytest.approx(visible["total"].sum())
    assert (f["days_since_last_order"] >= 0).all()
    shares = f.filter(like="share_").drop(
        columns=["top_category_share", "main_channel_share"], errors="ignore"
    )
    assert np.allclose(shares.sum(axis=1), 1.0)
    assert set(f["top_category"]) <= set(shop["categories"]["slug"])


def test_nothing_before_the_date_gives_an_empty_frame(tables: dict[str, pd.DataFrame]) -> None:
    f = features_of(tables, as_of=date(2024, 1, 1))
    assert f.empty
    assert "days_since_last_order" in f.columns
