"""The incident injector plants what its truth says, deterministically, without touching its input."""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import pandas as pd
import pytest

from smartcrm.synth.generator import ShopGenerator
from smartcrm.synth.incidents import fraud_burst, plant_incidents, refund_spike, revenue_drop
from smartcrm.synth.spec import ShopSpec


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return ShopGenerator(ShopSpec(n_customers=2000, seed=4, end=date(2025, 6, 30))).generate()


def _day_count(frame: pd.DataFrame, column: str, first: date, last: date) -> int:
    days = pd.to_datetime(frame[column]).dt.date
    return int(((days >= first) & (days <= last)).sum())


def test_revenue_drop_removes_about_the_share(tables: dict[str, pd.DataFrame]) -> None:
    first, last = date(2024, 9, 10), date(2024, 9, 12)
    out, incident = revenue_drop(tables, first, 3, 0.7, np.random.default_rng(0))
    before = _day_count(tables["orders"], "placed_at", first, last)
    after = _day_count(out["orders"], "placed_at", first, last)
    assert 0.15 * before <= after <= 0.45 * before
    assert (incident.first_day, incident.last_day) == (first, last)
    assert set(out["order_lines"]["order_id"]) <= set(out["orders"]["id"])
    assert len(tables["orders"]) > len(out["orders"])  # the input itself is unchanged


def test_refund_spike_multiplies_the_refunds(tables: dict[str, pd.DataFrame]) -> None:
    first, last = date(2024, 10, 1), date(2024, 10, 3)
    out, _ = refund_spike(tables, first, 3, 4.0, np.random.default_rng(0))
    before = _day_count(tables["refunds"], "created_at", first, last)
    after = _day_count(out["refunds"], "created_at", first, last)
    assert after >= before + 4
    assert out["refunds"]["id"].is_unique


def test_fraud_burst_adds_labelled_orders_from_new_accounts(tables: dict[str, pd.DataFrame]) -> None:
    out, incident = fraud_burst(tables, date(2024, 11, 2), 2, 9, np.random.default_rng(0))
    fraud = out["orders"][out["orders"]["id"].isin(incident.order_ids)]
    assert len(fraud) == 9 and out["orders"]["id"].is_unique
    assert fraud["total"].min() > tables["orders"]["total"].median() * 5
    assert not fraud["customer_id"].isin(tables["customers"]["id"]).any()
    assert (pd.to_datetime(fraud["placed_at"]).dt.hour < 5).all()
    homes = fraud["customer_id"].map(out["customers"].set_index("id")["country"])
    assert (fraud["ship_country"] != homes).all()


def test_plant_incidents_is_deterministic_and_spaced(tables: dict[str, pd.DataFrame]) -> None:
    a, truth_a = plant_incidents(tables, seed=5, per_kind=2)
    b, truth_b = plant_incidents(tables, seed=5, per_kind=2)
    assert truth_a == truth_b
    pd.testing.assert_frame_equal(a["orders"], b["orders"])
    assert sorted(i.kind for i in truth_a) == sorted(["revenue_drop", "refund_spike", "fraud_burst"] * 2)
    for first, second in itertools.pairwise(truth_a):
        assert second.first_day > first.last_day
