"""The synthetic shop is deterministic by seed, and the structure it plants is really there."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from smartcrm.synth.generator import ShopGenerator
from smartcrm.synth.spec import ShopSpec

END = date(2025, 6, 30)


def shop(seed: int = 7, customers: int = 3000, chunk_size: int = 1000) -> dict[str, pd.DataFrame]:
    return ShopGenerator(
        ShopSpec(n_customers=customers, seed=seed, end=END, chunk_size=chunk_size)
    ).generate()


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return shop()


def test_same_seed_gives_identical_frames(tables: dict[str, pd.DataFrame]) -> None:
    again = shop()
    for name, df in tables.items():
        pd.testing.assert_frame_equal(df, again[name], obj=name)


def test_a_different_seed_gives_a_different_shop(tables: dict[str, pd.DataFrame]) -> None:
    other = shop(seed=8)
    assert not tables["customers"]["email"].equals(other["customers"]["email"])
    assert len(tables["order_lines"]) != len(other["order_lines"])


def test_every_table_has_rows_and_ids_are_unique(tables: dict[str, pd.DataFrame]) -> None:
    for name, df in tables.items():
        assert len(df) > 0, name
        if "id" in df:
            assert df["id"].is_unique, name
    assert set(tables["order_lines"]["order_id"]) <= set(tables["orders"]["id"])
    assert set(tables["orders"]["customer_id"]) <= set(tables["customers"]["id"])


def test_about_ten_order_lines_per_customer(tables: dict[str, pd.DataFrame]) -> None:
    per_customer = len(tables["order_lines"]) / len(tables["customers"])
    assert 7 <= per_customer <= 14


def test_contacts_are_unique_and_realistic(tables: dict[str, pd.DataFrame]) -> None:
    people = tables["customers"]
    emails = people.loc[people["email"] != "", "email"]
    phones = people.loc[people["phone"] != "", "phone"]
    assert emails.is_unique and phones.is_unique
    assert emails.str.match(r"^[a-z]+\.[a-z]+\d+@[a-z.]+$").all()
    assert phones.str.match(r"^\+(1\d{10}|86\d{11})$").all()


def test_chinese_speaking_customers_have_chinese_names_and_texts(tables: dict[str, pd.DataFrame]) -> None:
    people = tables["customers"]
    zh = people[people["language"] == "zh"]
    assert 0.1 < len(zh) / len(people) < 0.3
    assert zh["last_name"].str.match(r"^[\u4e00-\u9fff]+$").all()
    messages = tables["ticket_messages"].merge(
        tables["tickets"][["id", "language"]], left_on="ticket_id", right_on="id"
    )
    zh_bodies = messages.loc[messages["language"] == "zh", "body"]
    assert zh_bodies.str.contains(r"[\u4e00-\u9fff]").mean() > 0.99


def test_q4_has_more_than_its_share_of_revenue(tables: dict[str, pd.DataFrame]) -> None:
    orders = tables["orders"]
    year_2024 = orders[orders["placed_at"].dt.year == 2024]
    by_quarter = year_2024.groupby(year_2024["placed_at"].dt.quarter)["total"].sum()
    share = by_quarter / by_quarter.sum()
    assert share[4] > 0.3
    assert share[4] == share.max()
    # Not just growth: Q4 beats the quarter after it too.
    q1_2025 = orders[(orders["placed_at"] >= "2025-01-01") & (orders["placed_at"] < "2025-04-01")]
    assert by_quarter[4] > q1_2025["total"].sum()


def test_weekends_sell_more_than_midweek(tables: dict[str, pd.DataFrame]) -> None:
    weekday = tables["orders"]["placed_at"].dt.day_of_week
    counts = weekday.value_counts()
    assert counts[[5, 6]].mean() > counts[[1, 2]].mean()


def test_late_deliveries_raise_tickets_and_lower_ratings(tables: dict[str, pd.DataFrame]) -> None:
    orders = tables["orders"][tables["orders"]["delivered_at"].notna()]
    has_ticket = orders["id"].isin(tables["tickets"]["order_id"])
    late = orders["is_late"] & ~orders["has_defect"]
    on_time = ~orders["is_late"] & ~orders["has_defect"] & ~orders["wrong_item"]
    assert has_ticket[late].mean() > 5 * has_ticket[on_time].mean()

    reviews = tables["reviews"].merge(
        orders[["id", "is_late", "has_defect"]], left_on="order_id", right_on="id"
    )
    low = reviews["rating"] <= 2
    assert (
        low[reviews["is_late"] & ~reviews["has_defect"]].mean()
        > 3 * low[~reviews["is_late"] & ~reviews["has_defect"]].mean()
    )
    assert reviews.groupby("cause")["rating"].mean()["defect"] < 2


def test_ticket_and_review_causes_are_recorded(tables: dict[str, pd.DataFrame]) -> None:
    assert set(tables["tickets"]["cause"]) == {
        "late_delivery",
        "defect",
        "wrong_item",
        "billing",
        "order_status",
    }
    assert {"defect", "late_delivery", "praise_quality"} <= set(tables["reviews"]["cause"])
    assert set(tables["surveys"]["cause"]) <= {"late_delivery", "defect", "satisfied", "neutral"}


def test_co_purchase_pairs_have_lift_above_one(tables: dict[str, pd.DataFrame]) -> None:
    lines = tables["order_lines"][["order_id", "product_id"]]
    n_orders = lines["order_id"].nunique()
    support = lines.groupby("product_id")["order_id"].nunique() / n_orders
    products = tables["products"]
    pairs = [
        (int(pid), int(c))
        for pid, comps in zip(products["id"], products["companion_ids"], strict=True)
        for c in comps.split(",")
        if c and int(c) != pid
    ]
    baskets = lines.groupby("order_id")["product_id"].apply(frozenset)
    top = support.sort_values(ascending=False).index[:40]
    lifts = []
    for a, b in pairs:
        if a not in top:
            continue
        both = sum(1 for basket in baskets if a in basket and b in basket) / n_orders
        lifts.append(both / (support.get(a, 0) * support.get(b, 1e-9)))
    assert len(lifts) > 20
    assert np.median(lifts) > 2


def test_churned_customers_stop_buying(tables: dict[str, pd.DataFrame]) -> None:
    people = tables["customers"].set_index("id")
    orders = tables["orders"]
    start = ShopSpec(end=END).start
    day = (orders["placed_at"] - start).dt.total_seconds() / 86400
    churn = people.loc[orders["customer_id"], "churn_day"].to_numpy()
    arrival = people.loc[orders["customer_id"], "arrival_day"].to_numpy()
    # Nothing after churn (the first order happens at arrival, before).
    assert ((day.to_numpy() <= churn + 1e-3) | (np.abs(day.to_numpy() - arrival) < 1e-3)).all()
    churned = people[people["churned"]]
    assert len(churned) > 0.3 * len(people)


def test_promotions_lift_sales_and_carry_codes(tables: dict[str, pd.DataFrame]) -> None:
    orders = tables["orders"]
    coded = orders[orders["promotion_code"] != ""]
    assert len(coded) > 0
    assert (coded["discount_total"] > 0).all()
    assert coded["promotion_code"].str.contains("BLACKFRIDAY30").any()


def test_refunds_follow_defects(tables: dict[str, pd.DataFrame]) -> None:
    lines = tables["order_lines"]
    returned = lines["returned_quantity"] > 0
    assert returned[lines["defective"]].mean() > 10 * returned[~lines["defective"]].mean()
    assert (tables["refunds"]["reason"] == "Defective").sum() > 0


def test_b2b_pipeline_has_leads_and_deals_in_every_stage(tables: dict[str, pd.DataFrame]) -> None:
    assert set(tables["deals"]["stage"]) == {"qualified", "proposal", "negotiation", "won", "lost"}
    converted = tables["leads"][tables["leads"]["status"] == "converted"]
    companies = tables["customers"][tables["customers"]["kind"] == "company"]
    assert set(converted["customer_id"].dropna()) <= set(companies["id"])


def test_chunking_does_not_change_the_customers_count_or_break_ids() -> None:
    small = shop(customers=250, chunk_size=100)
    assert len(small["customers"]) == 250
    assert small["orders"]["id"].is_monotonic_increasing


def test_spec_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="n_customers"):
        ShopSpec(n_customers=0)
