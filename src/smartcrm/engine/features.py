"""Customer features from transactions, as of a point in time, with nothing from after it.

``customer_features(orders, lines, tickets, reviews, as_of=...)`` returns one row per customer
with at least one (non-cancelled) order placed by ``as_of``, indexed by ``customer_id``.
Everything is computed with group-bys over whole columns (no per-customer Python), so it
runs at millions of order lines; see docs/models/segments.md for each column's definition.

Point in time: orders placed after ``as_of``, lines of those orders, tickets, reviews and
refunds created after it are dropped before anything is computed. ``as_of`` may be a
``datetime``/``Timestamp`` (inclusive) or a ``date``, which means the *end* of that day.
The one value this function cannot time-travel is ``orders.refunded_total`` and
``orders.status``, which are the order's state when it was extracted; pass ``refunds`` (with
``created_at``) for a leak-free refund rate. Cancellation is taken from ``status``: an order
is usually cancelled within hours of being placed, so the leak is negligible.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

import numpy as np
import pandas as pd

DAY = pd.Timedelta(days=1)
CANCELLED_STATUSES = frozenset({"cancelled", "canceled", "failed", "voided"})
RECENT_DAYS = 90  # window of orders_90d, spent_90d and tickets_90d

ORDER_COLUMNS = ("customer_id", "placed_at", "total")
LINE_COLUMNS = ("order_id", "category", "quantity", "line_total")
TICKET_COLUMNS = ("customer_id", "created_at")
REVIEW_COLUMNS = ("customer_id", "rating", "created_at")
REFUND_COLUMNS = ("order_id", "amount", "created_at")

# The columns every result has, whichever optional inputs were given (NaN when unknown).
BASE_COLUMNS = (
    "days_since_last_order",
    "orders_count",
    "total_spent",
    "avg_order_value",
    "first_order_at",
    "last_order_at",
    "tenure_days",
    "mean_gap_days",
    "last_gap_days",
    "gap_trend",
    "overdue_ratio",
    "orders_90d",
    "spent_90d",
    "discount_share",
    "discount_rate",
    "refund_rate",
)


def require_columns(df: pd.DataFrame, columns: Iterable[str], what: str = "features") -> None:
    """Raise a ValueError naming every missing column (checked before any work is done)."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what} is missing required column(s): {', '.join(missing)}")


def category_column_name(category: object) -> str:
    """``"Grocery & consumables"`` → ``"share_grocery_consumables"`` (a safe column name)."""
    slug = re.sub(r"[^0-9a-z]+", "_", str(category).lower()).strip("_")
    return f"share_{slug or 'unknown'}"


def lines_with_category(
    lines: pd.DataFrame, products: pd.DataFrame, categories: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Order lines with a ``category`` column, from ``products.category_id`` (and category names).

    With ``categories`` (``id``, ``slug`` or ``name``) the category is its slug; without, the id.
    """
    require_columns(lines, ("product_id",), "lines")
    require_columns(products, ("id", "category_id"), "products")
    category_of = pd.Series(products["category_id"].to_numpy(), index=products["id"].to_numpy())
    if categories is not None:
        label = "slug" if "slug" in categories.columns else "name"
        require_columns(categories, ("id", label), "categories")
        names = pd.Series(categories[label].to_numpy(), index=categories["id"].to_numpy())
        category_of = category_of.map(names)
    out = lines.copy()
    out["category"] = lines["product_id"].map(category_of).fillna("unknown").astype(str)
    return out


def _cutoff(as_of: date | datetime | pd.Timestamp | str) -> pd.Timestamp:
    """The first instant that is *not* visible: just after ``as_of`` for an instant, the next
    midnight for a date (so a date means "up to the end of that day")."""
    if isinstance(as_of, date) and not isinstance(as_of, datetime):
        return pd.Timestamp(as_of) + DAY
    return pd.Timestamp(as_of) + pd.Timedelta(1, "ns")


def _match_tz(instant: pd.Timestamp, like: pd.Series) -> pd.Timestamp:
    """``instant`` comparable with the column ``like`` (naive values are taken to be UTC)."""
    tz = getattr(pd.to_datetime(like).dtype, "tz", None)
    if tz is not None and instant.tz is None:
        return instant.tz_localize("UTC").tz_convert(tz)
    if tz is None and instant.tz is not None:
        return instant.tz_convert("UTC").tz_localize(None)
    return instant


def _visible(df: pd.DataFrame, column: str, cut: pd.Timestamp) -> pd.DataFrame:
    when = pd.to_datetime(df[column])
    return df.loc[when.lt(cut).to_numpy()]


def _safe_ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    den = den.astype("float64")
    return num.astype("float64").div(den.where(den != 0))


def customer_features(
    orders: pd.DataFrame,
    lines: pd.DataFrame | None = None,
    tickets: pd.DataFrame | None = None,
    reviews: pd.DataFrame | None = None,
    *,
    as_of: date | datetime | pd.Timestamp | str,
    refunds: pd.DataFrame | None = None,
    n_categories: int = 12,
    categories: Iterable[object] | None = None,
) -> pd.DataFrame:
    """One row per customer with an order by ``as_of``; see the module docstring and
    docs/models/segments.md for the columns.

    ``orders``: customer_id, placed_at, total; optional id (needed with ``lines``/``refunds``),
    channel, discount_total, refunded_total, status. ``lines``: order_id, category, quantity,
    line_total (see :func:`lines_with_category`). ``tickets``: customer_id, created_at,
    optional sentiment (−1…1). ``reviews``: customer_id, rating, created_at. ``refunds``:
    order_id, amount, created_at. ``n_categories``: how many of the shop's biggest categories
    (by spend) get a ``share_<category>`` column; the rest are summed in ``share_other``.
    ``categories``: those columns' categories instead (features of a slice of the customers
    with the columns of the whole shop, see :func:`biggest_categories`).
    """
    require_columns(orders, ORDER_COLUMNS, "orders")
    if lines is not None:
        require_columns(lines, LINE_COLUMNS, "lines")
        require_columns(orders, ("id",), "orders (with lines)")
    if tickets is not None:
        require_columns(tickets, TICKET_COLUMNS, "tickets")
    if reviews is not None:
        require_columns(reviews, REVIEW_COLUMNS, "reviews")
    if refunds is not None:
        require_columns(refunds, REFUND_COLUMNS, "refunds")
        require_columns(orders, ("id",), "orders (with refunds)")

    placed = pd.to_datetime(orders["placed_at"])
    cut = _match_tz(_cutoff(as_of), placed)
    keep = placed.lt(cut).to_numpy()
    if "status" in orders.columns:
        keep = keep & ~orders["status"].astype(str).str.lower().isin(CANCELLED_STATUSES).to_numpy()
    visible = orders.loc[keep]
    placed = placed.loc[keep]

    out = _order_features(visible, placed, cut, refunds)
    if lines is not None:
        kept = (
            list(categories) if categories is not None else biggest_categories(visible, lines, n_categories)
        )
        out = out.join(_line_features(visible, lines, kept))
    if tickets is not None:
        out = out.join(_ticket_features(tickets, cut), how="left")
        out["tickets_total"] = out["tickets_total"].fillna(0).astype("int64")
        out["tickets_90d"] = out["tickets_90d"].fillna(0).astype("int64")
    if reviews is not None:
        out = out.join(_review_features(reviews, cut), how="left")
        out["reviews_count"] = out["reviews_count"].fillna(0).astype("int64")
    out = out[[*BASE_COLUMNS, *(c for c in out.columns if c not in BASE_COLUMNS)]]
    out.attrs["as_of"] = cut
    return out


def _order_features(
    orders: pd.DataFrame, placed: pd.Series, cut: pd.Timestamp, refunds: pd.DataFrame | None
) -> pd.DataFrame:
    cust = orders["customer_id"].to_numpy()
    frame = pd.DataFrame(
        {"customer_id": cust, "t": placed.array, "total": orders["total"].to_numpy(dtype="float64")}
    )
    frame = frame.sort_values(["customer_id", "t"], kind="stable")
    sorted_cust = frame["customer_id"].to_numpy()
    same = np.zeros(len(sorted_cust), dtype=bool)  # the previous row is the same customer's
    same[1:] = sorted_cust[1:] == sorted_cust[:-1]
    frame["gap"] = (frame["t"].diff() / DAY).where(same)

    g = frame.groupby("customer_id", sort=True)
    first = g["t"].min()
    last = g["t"].max()
    out = pd.DataFrame(index=first.index)
    out.index.name = "customer_id"
    out["orders_count"] = g.size().astype("int64")
    out["total_spent"] = g["total"].sum()
    out["avg_order_value"] = out["total_spent"] / out["orders_count"]
    out["first_order_at"] = first
    out["last_order_at"] = last
    out["days_since_last_order"] = (cut - last) / DAY
    out["tenure_days"] = (cut - first) / DAY
    out["mean_gap_days"] = g["gap"].mean()
    out["last_gap_days"] = g["gap"].last()
    out["gap_trend"] = _safe_ratio(out["last_gap_days"], out["mean_gap_days"])
    out["overdue_ratio"] = _safe_ratio(out["days_since_last_order"], out["mean_gap_days"])

    recent = frame["t"].ge(cut - pd.Timedelta(days=RECENT_DAYS))
    rg = frame.loc[recent].groupby("customer_id")
    out["orders_90d"] = rg.size().reindex(out.index, fill_value=0).astype("int64")
    out["spent_90d"] = rg["total"].sum().reindex(out.index, fill_value=0.0)

    if "channel" in orders.columns:
        out = out.join(_channel_features(orders))
    if "discount_total" in orders.columns:
        disc = pd.DataFrame(
            {
                "customer_id": cust,
                "discounted": orders["discount_total"].to_numpy(dtype="float64") > 0,
                "discount": orders["discount_total"].to_numpy(dtype="float64"),
            }
        ).groupby("customer_id")
        out["discount_share"] = disc["discounted"].mean()
        out["discount_rate"] = _safe_ratio(
            disc["discount"].sum(), disc["discount"].sum() + out["total_spent"]
        )
    else:
        out["discount_share"] = np.nan
        out["discount_rate"] = np.nan
    out["refund_rate"] = _refund_rate(orders, cut, refunds, out["total_spent"])
    return out


def _channel_features(orders: pd.DataFrame) -> pd.DataFrame:
    counts = (
        pd.DataFrame(
            {"customer_id": orders["customer_id"].to_numpy(), "channel": orders["channel"].astype(str)}
        )
        .groupby(["customer_id", "channel"])
        .size()
        .rename("n")
        .reset_index()
        .sort_values(["customer_id", "n", "channel"], ascending=[True, False, True], kind="stable")
    )
    top = counts.drop_duplicates("customer_id").set_index("customer_id")
    total = counts.groupby("customer_id")["n"].sum()
    return pd.DataFrame({"main_channel": top["channel"], "main_channel_share": top["n"] / total})


def _refund_rate(
    orders: pd.DataFrame, cut: pd.Timestamp, refunds: pd.DataFrame | None, spent: pd.Series
) -> pd.Series:
    if refunds is not None:
        seen = _visible(refunds, "created_at", _match_tz(cut, refunds["created_at"]))
        owner = pd.Series(orders["customer_id"].to_numpy(), index=orders["id"].to_numpy())
        cust = seen["order_id"].map(owner)
        amount = seen["amount"].astype("float64").groupby(cust.to_numpy()).sum()
        refunded = amount.reindex(spent.index, fill_value=0.0)
    elif "refunded_total" in orders.columns:
        refunded = orders["refunded_total"].astype("float64").groupby(orders["customer_id"].to_numpy()).sum()
    else:
        return pd.Series(np.nan, index=spent.index)
    return _safe_ratio(refunded.reindex(spent.index, fill_value=0.0), spent).clip(0.0, 1.0)


def biggest_categories(orders: pd.DataFrame, lines: pd.DataFrame, n_categories: int) -> list[object]:
    """The ``n_categories`` categories with the most spend in the lines of ``orders``."""
    seen = lines[lines["order_id"].isin(orders["id"])]
    spend = seen["line_total"].astype("float64").groupby(seen["category"].to_numpy()).sum()
    return list(spend.sort_values(ascending=False, kind="stable").index[: max(n_categories, 0)])


def _line_features(orders: pd.DataFrame, lines: pd.DataFrame, kept: list[object]) -> pd.DataFrame:
    """Basket size and category mix (share of spend) from the lines of the visible orders."""
    pos = pd.Index(orders["id"].to_numpy()).get_indexer(lines["order_id"].to_numpy())
    seen = pos >= 0
    cust = orders["customer_id"].to_numpy()[pos[seen]]
    frame = pd.DataFrame(
        {
            "customer_id": cust,
            "category": lines["category"].to_numpy()[seen],
            "quantity": lines["quantity"].to_numpy(dtype="float64")[seen],
            "spend": lines["line_total"].to_numpy(dtype="float64")[seen],
        }
    )
    n_orders = pd.Series(orders["customer_id"].to_numpy()).value_counts()
    by_cust = frame.groupby("customer_id")
    out = pd.DataFrame(index=n_orders.index.rename("customer_id"))
    out["avg_basket_items"] = by_cust["quantity"].sum() / n_orders
    out["avg_basket_lines"] = by_cust.size() / n_orders

    per_cat = frame.groupby(["customer_id", "category"], sort=False)["spend"].sum().clip(lower=0.0)
    cust_total = per_cat.groupby(level="customer_id").sum()
    share = per_cat / cust_total.reindex(per_cat.index.get_level_values("customer_id")).to_numpy()
    share = share.fillna(0.0)
    # The top category: highest share; ties go to the alphabetically first (deterministic).
    ranked = (
        share.rename("share")
        .reset_index()
        .sort_values(["customer_id", "share", "category"], ascending=[True, False, True], kind="stable")
    )
    top = ranked.drop_duplicates("customer_id").set_index("customer_id")
    out["top_category"] = top["category"].astype("string")
    out["top_category_share"] = top["share"]
    out["n_categories"] = ranked.loc[ranked["share"] > 0].groupby("customer_id").size()

    wide = share.loc[share.index.get_level_values("category").isin(kept)].unstack("category", fill_value=0.0)
    wide = wide.reindex(columns=kept, fill_value=0.0).reindex(out.index, fill_value=0.0)
    wide.columns = [category_column_name(c) for c in kept]
    out = out.join(wide)
    out["share_other"] = (
        (1.0 - wide.sum(axis=1)).clip(lower=0.0).where(cust_total.reindex(out.index) > 0, 0.0)
    )
    out["n_categories"] = out["n_categories"].fillna(0).astype("int64")
    return out


def _ticket_features(tickets: pd.DataFrame, cut: pd.Timestamp) -> pd.DataFrame:
    seen = _visible(tickets, "created_at", _match_tz(cut, tickets["created_at"]))
    created = pd.to_datetime(seen["created_at"])
    window = _match_tz(cut - pd.Timedelta(days=RECENT_DAYS), tickets["created_at"])
    frame = pd.DataFrame(
        {"customer_id": seen["customer_id"].to_numpy(), "recent": created.ge(window).to_numpy()}
    )
    g = frame.groupby("customer_id")
    out = pd.DataFrame({"tickets_total": g.size(), "tickets_90d": g["recent"].sum()})
    if "sentiment" in seen.columns:
        out["avg_ticket_sentiment"] = (
            seen["sentiment"].astype("float64").groupby(frame["customer_id"].to_numpy()).mean()
        )
    return out


def _review_features(reviews: pd.DataFrame, cut: pd.Timestamp) -> pd.DataFrame:
    seen = _visible(reviews, "created_at", _match_tz(cut, reviews["created_at"]))
    g = seen["rating"].astype("float64").groupby(seen["customer_id"].to_numpy())
    return pd.DataFrame({"reviews_count": g.size(), "avg_review_rating": g.mean()})
