"""Turn a shop's orders into the series to forecast: revenue and orders, total / category / product.

Frames in (database column names, as the synthetic shop and the Django layer both produce):

* ``orders``: ``id, placed_at, status`` (cancelled orders are left out)
* ``lines``: ``order_id, product_id, line_total``
* ``products``: ``id, category`` (a category name or id; missing means "Uncategorised")

Series ids are ``metric/level/key`` — ``revenue/total/all``, ``revenue/category/Books``,
``orders/product/17``. Revenue is the sum of line totals, so total revenue is exactly the sum
of category revenue in history and the hierarchy is coherent before any forecast. Orders per
category count orders containing the category, which do not add up, so only revenue is
reconciled.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .seasonality import GRAINS

TOTAL = "all"
UNCATEGORISED = "Uncategorised"


def series_id(metric: str, level: str, key: object) -> str:
    return f"{metric}/{level}/{key}"


def _period(stamps: pd.Series, grain: str) -> pd.Series:
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {sorted(GRAINS)}")
    naive = pd.to_datetime(stamps, utc=True).dt.tz_localize(None)
    if grain == "day":
        return naive.dt.floor("D")
    if grain == "week":
        return naive.dt.to_period("W-SUN").dt.start_time
    return naive.dt.to_period("M").dt.start_time


def sales_series(
    orders: pd.DataFrame,
    lines: pd.DataFrame,
    products: pd.DataFrame,
    *,
    grain: str = "day",
    top_products: int = 5,
    end: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Long frame ``unique_id, ds, y, metric, level, key`` over a complete calendar (gaps are 0).

    ``end`` (exclusive) cuts the history, so nothing after a cut-off reaches the model. The
    last period is dropped when it is not complete yet.
    """
    _require_columns(orders, lines, products)
    live = orders[orders["status"].astype(str) != "cancelled"][["id", "placed_at"]].copy()
    live["placed_at"] = pd.to_datetime(live["placed_at"], utc=True).dt.tz_localize(None)
    if end is not None:
        live = live[live["placed_at"] < pd.Timestamp(end)]
    if live.empty:
        return pd.DataFrame(columns=["unique_id", "ds", "y", "metric", "level", "key"])
    live["ds"] = _period(live["placed_at"], grain)
    cat = (
        products.set_index("id")["category"]
        .astype(object)
        .where(products.set_index("id")["category"].notna())
    )
    merged = lines[["order_id", "product_id", "line_total"]].merge(
        live[["id", "ds"]], left_on="order_id", right_on="id"
    )
    merged["line_total"] = merged["line_total"].astype(float)
    merged["category"] = merged["product_id"].map(cat).fillna(UNCATEGORISED).astype(str)

    parts: list[pd.DataFrame] = []

    def add(metric: str, level: str, frame: pd.DataFrame, key_col: str | None, value: pd.Series) -> None:
        keys = frame[key_col] if key_col else pd.Series(TOTAL, index=frame.index)
        grouped = value.groupby([keys, frame["ds"]]).sum()
        for key, g in grouped.groupby(level=0):
            parts.append(
                pd.DataFrame(
                    {"key": str(key), "ds": g.index.get_level_values(1), "y": g.to_numpy(dtype=float)}
                ).assign(metric=metric, level=level)
            )

    add("revenue", "total", merged, None, merged["line_total"])
    add("revenue", "category", merged, "category", merged["line_total"])
    add("orders", "total", live, None, pd.Series(1.0, index=live.index))
    per_cat = merged.drop_duplicates(["order_id", "category"])
    add("orders", "category", per_cat, "category", pd.Series(1.0, index=per_cat.index))
    if top_products > 0:
        top = merged.groupby("product_id")["line_total"].sum().nlargest(top_products).index
        chosen = merged[merged["product_id"].isin(top)]
        add("revenue", "product", chosen, "product_id", chosen["line_total"])
        per_prod = chosen.drop_duplicates(["order_id", "product_id"])
        add("orders", "product", per_prod, "product_id", pd.Series(1.0, index=per_prod.index))

    calendar = _calendar(live["ds"].min(), live["placed_at"].max(), grain, end)
    return _on_calendar(pd.concat(parts, ignore_index=True), calendar)


def _require_columns(orders: pd.DataFrame, lines: pd.DataFrame, products: pd.DataFrame) -> None:
    for name, frame, cols in (
        ("orders", orders, {"id", "placed_at", "status"}),
        ("lines", lines, {"order_id", "product_id", "line_total"}),
        ("products", products, {"id", "category"}),
    ):
        missing = cols - set(frame.columns)
        if missing:
            raise ValueError(f"{name} frame lacks columns: {sorted(missing)}")


def _on_calendar(long: pd.DataFrame, calendar: pd.DatetimeIndex) -> pd.DataFrame:
    """Each (metric, level, key) series over every period of ``calendar``, 0 where it had none."""
    full = []
    for (metric, level, key), g in long.groupby(["metric", "level", "key"]):
        y = g.set_index("ds")["y"].reindex(calendar, fill_value=0.0)
        full.append(
            pd.DataFrame(
                {
                    "unique_id": series_id(metric, level, key),
                    "ds": calendar,
                    "y": y.to_numpy(),
                    "metric": metric,
                    "level": level,
                    "key": key,
                }
            )
        )
    return pd.concat(full, ignore_index=True)


def _calendar(
    first: pd.Timestamp, last_order: pd.Timestamp, grain: str, end: pd.Timestamp | None
) -> pd.DatetimeIndex:
    """Every period from the first order's to the last complete one."""
    stop = pd.Timestamp(end) if end is not None else last_order.floor("D") + pd.Timedelta(days=1)
    periods = pd.date_range(first, stop, freq=GRAINS[grain])
    # keep a period only if it ended on or before ``stop`` (the running one is incomplete)
    step = {"day": pd.Timedelta(days=1), "week": pd.Timedelta(days=7)}
    ends = periods + step[grain] if grain in step else periods + pd.offsets.MonthBegin(1)
    return pd.DatetimeIndex(periods[np.asarray(ends <= stop)])


def hierarchy(series: pd.DataFrame) -> dict[str, list[str]]:
    """Revenue total -> revenue per category (the structure :func:`reconcile` takes)."""
    cats = series.loc[(series["metric"] == "revenue") & (series["level"] == "category"), "unique_id"]
    return {series_id("revenue", "total", TOTAL): sorted(cats.unique().tolist())}
