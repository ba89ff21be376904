"""Shop series, hierarchy reconciliation and the no-leakage guarantee."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from smartcrm.engine.forecast.ensemble import EnsembleForecaster
from smartcrm.engine.forecast.hierarchy import METHODS, reconcile
from smartcrm.engine.forecast.series import hierarchy, sales_series
from smartcrm.engine.forecast.shop import ShopForecastSettings, forecast_shop
from smartcrm.synth.generator import ShopGenerator
from smartcrm.synth.spec import ShopSpec


@pytest.fixture(scope="module")
def shop() -> dict[str, pd.DataFrame]:
    tables = ShopGenerator(ShopSpec(n_customers=1500, seed=3, end=date(2025, 6, 30))).generate()
    cats = tables["categories"].rename(columns={"id": "category_id", "name": "category"})
    tables["products_with_category"] = tables["products"].merge(cats, on="category_id")
    return tables


def _series(shop: dict[str, pd.DataFrame], **kwargs: object) -> pd.DataFrame:
    return sales_series(shop["orders"], shop["order_lines"], shop["products_with_category"], **kwargs)  # type: ignore[arg-type]


def test_total_revenue_is_the_sum_of_categories_in_history(shop: dict[str, pd.DataFrame]) -> None:
    s = _series(shop, grain="month", top_products=2)
    total = s[s["unique_id"] == "revenue/total/all"].set_index("ds")["y"]
    cats = s[(s["metric"] == "revenue") & (s["level"] == "category")].groupby("ds")["y"].sum()
    pd.testing.assert_series_equal(total, cats, check_names=False)
    live = shop["orders"][shop["orders"]["status"] != "cancelled"]
    assert s[s["unique_id"] == "orders/total/all"]["y"].sum() <= len(live)
    assert s["unique_id"].str.startswith("revenue/product/").sum() > 0


@pytest.mark.parametrize("method", METHODS)
def test_reconciled_forecasts_add_up(method: str) -> None:
    rng = np.random.default_rng(1)
    ds = pd.date_range("2025-01-01", periods=5, freq="D")
    rows = [
        pd.DataFrame({"unique_id": uid, "ds": ds, "mean": rng.uniform(10, 20, 5) * k})
        for uid, k in (("total", 3.3), ("a", 1.0), ("b", 1.0), ("c", 1.0))
    ]
    base = pd.concat(rows)
    for col in ("lo_80", "hi_80", "lo_95", "hi_95"):
        base[col] = base["mean"] + {"lo_80": -1, "hi_80": 1, "lo_95": -2, "hi_95": 2}[col]
    out = reconcile(base, {"total": ["a", "b", "c"]}, method=method).set_index(["unique_id", "ds"])
    total = out.loc["total", "mean"]
    parts = out.loc[["a", "b", "c"], "mean"].groupby(level="ds").sum()
    np.testing.assert_allclose(total.to_numpy(), parts.to_numpy())
    np.testing.assert_allclose((out["hi_80"] - out["lo_80"]).to_numpy(), 2.0)  # widths kept
    if method == "bottom_up":
        np.testing.assert_allclose(
            out.loc["a", "mean"].to_numpy(), base[base["unique_id"] == "a"]["mean"].to_numpy()
        )


def test_reconciling_coherent_forecasts_changes_nothing() -> None:
    ds = pd.date_range("2025-01-01", periods=3, freq="D")
    base = pd.DataFrame(
        {
            "unique_id": ["t"] * 3 + ["a"] * 3 + ["b"] * 3,
            "ds": list(ds) * 3,
            "mean": [5.0] * 3 + [2.0] * 3 + [3.0] * 3,
        }
    )
    out = reconcile(base, {"t": ["a", "b"]}, method="wls_struct")
    np.testing.assert_allclose(
        out.sort_values(["unique_id", "ds"])["mean"], base.sort_values(["unique_id", "ds"])["mean"]
    )


def test_forecast_never_sees_data_after_the_cutoff(shop: dict[str, pd.DataFrame]) -> None:
    cutoff = pd.Timestamp("2025-03-01")
    orders = shop["orders"].copy()
    lines = shop["order_lines"].copy()
    after = pd.to_datetime(orders["placed_at"]) >= cutoff
    # poison everything after the cut-off: if any of it leaked, the forecast would change
    poisoned = lines.copy()
    poisoned.loc[poisoned["order_id"].isin(orders.loc[after, "id"]), "line_total"] = 1e7
    settings = ShopForecastSettings(grain="month", horizon=2, n_windows=1)
    clean_series = sales_series(
        orders, lines, shop["products_with_category"], grain="month", top_products=1, end=cutoff
    )
    dirty_series = sales_series(
        orders, poisoned, shop["products_with_category"], grain="month", top_products=1, end=cutoff
    )
    assert clean_series["ds"].max() < cutoff
    clean = forecast_shop(clean_series, settings)
    dirty = forecast_shop(dirty_series, settings)
    pd.testing.assert_frame_equal(clean, dirty)
    assert clean["ds"].min() >= cutoff
    coherent = clean[clean["metric"] == "revenue"]
    total = coherent[coherent["level"] == "total"].set_index("ds")["mean"]
    parts = coherent[coherent["level"] == "category"].groupby("ds")["mean"].sum()
    np.testing.assert_allclose(total.to_numpy(), parts.to_numpy(), rtol=1e-6)
    assert set(hierarchy(clean_series)) == {"revenue/total/all"}


def test_unfitted_and_bad_input_are_refused() -> None:
    model = EnsembleForecaster(horizon=2, season_length=1)
    with pytest.raises(Exception, match="fit"):
        model.predict_sales()
    with pytest.raises(ValueError, match="lacks columns"):
        model.fit(pd.DataFrame({"unique_id": ["a"], "y": [1.0]}))
    with pytest.raises(ValueError, match="missing"):
        model.fit(pd.DataFrame({"unique_id": ["a", "a"], "ds": [1, 2], "y": [1.0, None]}))
