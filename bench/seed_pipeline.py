"""The seed-style pipeline that ``bench.seed_compare`` measures smartcrm against: written the way
a typical notebook or starter script does it, in one process, with no smartcrm code.

``python -m bench.seed_pipeline --url postgres://… --as-of YYYY-MM-DD --table NAME``:

1. ``pandas.read_sql`` of every revenue order placed by the end of ``as_of`` (customer, time,
   amount net of refunds) into one DataFrame. The four features need only the orders' totals, so
   it reads no order lines (reading the 10 lines per order would only slow it down).
2. ``groupby`` to four features per customer: recency, frequency, monetary value, tenure.
3. RFM scores by quintiles (1–5 each) and ``KMeans`` (5 clusters) on the standardised features.
4. Two ``RandomForestClassifier`` (100 trees, all cores, scikit-learn's other defaults), trained
   on every customer with a time split: features as of ``as_of`` minus the horizon, labels from
   the horizon after it — churn (no purchase in the next 90 days) and a purchase in the next 30
   days, the labels of smartcrm's training (``engine.propensity.labels``).
5. ``predict_proba`` for every customer on the features as of ``as_of``, and every row written
   back with ``executemany`` into ``--table`` (dropped and created; SQLAlchemy, which
   ``DataFrame.to_sql`` needs for PostgreSQL, is not installed here).

Prints one JSON line: the customers scored and the seconds of each step.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import psycopg
from sklearn.cluster import KMeans
from sklearn.ensemble import RandomForestClassifier
from sklearn.preprocessing import StandardScaler

REVENUE_STATUSES = ("paid", "shipped", "delivered", "partially_refunded")  # orders.rules
CHURN_DAYS, PURCHASE_DAYS = 90, 30
FEATURES = ["recency", "frequency", "monetary", "tenure"]
ORDERS_SQL = (
    "SELECT customer_id, placed_at, total - refunded_total AS amount FROM orders_order "
    "WHERE status = ANY(%(statuses)s) AND placed_at < %(cut)s"
)


def features(orders: pd.DataFrame, at: pd.Timestamp) -> pd.DataFrame:
    """Recency, frequency, monetary value and tenure per customer from orders up to ``at``."""
    past = orders[orders["date"] <= at]
    g = past.groupby("customer_id").agg(
        first=("date", "min"), last=("date", "max"), frequency=("date", "size"), monetary=("amount", "sum")
    )
    return pd.DataFrame(
        {
            "recency": (at - g["last"]).dt.days,
            "frequency": g["frequency"],
            "monetary": g["monetary"],
            "tenure": (at - g["first"]).dt.days,
        }
    )


def bought_within(orders: pd.DataFrame, customers: pd.Index, at: pd.Timestamp, days: int) -> np.ndarray:
    window = orders[(orders["date"] > at) & (orders["date"] <= at + pd.Timedelta(days=days))]
    return np.asarray(customers.isin(window["customer_id"].unique()))


def rfm_scores(f: pd.DataFrame) -> pd.Series:
    r = pd.qcut(f["recency"].rank(method="first"), 5, labels=[5, 4, 3, 2, 1]).astype(int)
    fr = pd.qcut(f["frequency"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(int)
    m = pd.qcut(f["monetary"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(int)
    return r.astype(str) + fr.astype(str) + m.astype(str)


def forest(f: pd.DataFrame, label: np.ndarray, trees: int, leaf: int) -> RandomForestClassifier:
    model = RandomForestClassifier(n_estimators=trees, min_samples_leaf=leaf, n_jobs=-1, random_state=42)
    return model.fit(f[FEATURES], label)


def run(url: str, as_of: date, table: str, trees: int = 100, leaf: int = 1) -> dict[str, object]:
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def step(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[name] = round(now - clock, 2)
        clock = now

    cut = datetime.combine(as_of + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    with psycopg.connect(url) as conn:
        with warnings.catch_warnings():  # pandas would rather have SQLAlchemy; a DB-API connection works
            warnings.simplefilter("ignore", UserWarning)
            orders = pd.read_sql(ORDERS_SQL, conn, params={"statuses": list(REVENUE_STATUSES), "cut": cut})
        step("read")
        orders["date"] = pd.to_datetime(orders["placed_at"], utc=True).dt.tz_localize(None).dt.normalize()
        orders["amount"] = orders["amount"].astype(float).clip(lower=0)
        today = pd.Timestamp(as_of)
        now = features(orders, today)
        step("features")

        now["rfm"] = rfm_scores(now)
        scaled = StandardScaler().fit_transform(np.log1p(now[FEATURES]))
        now["cluster"] = KMeans(n_clusters=5, n_init=10, random_state=42).fit_predict(scaled)
        step("segments")

        for name, days, churn in (("churn", CHURN_DAYS, True), ("purchase_30d", PURCHASE_DAYS, False)):
            then = today - pd.Timedelta(days=days)
            past = features(orders, then)
            bought = bought_within(orders, past.index, then, days)
            model = forest(past, ~bought if churn else bought, trees, leaf)
            now[name] = model.predict_proba(now[FEATURES])[:, 1]
            step(name)

        with conn.cursor() as cursor:
            cursor.execute(f'DROP TABLE IF EXISTS "{table}"')
            cursor.execute(
                f'CREATE TABLE "{table}" (customer_id bigint PRIMARY KEY, recency integer, '
                "frequency integer, monetary double precision, tenure integer, rfm text, "
                "cluster integer, churn double precision, purchase_30d double precision)"
            )
            rows = now.reset_index()[["customer_id", *FEATURES, "rfm", "cluster", "churn", "purchase_30d"]]
            cursor.executemany(
                f'INSERT INTO "{table}" VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)',  # noqa: S608
                rows.astype(object).itertuples(index=False, name=None),
            )
        conn.commit()
        step("write")
    return {"customers": len(now), "orders": len(orders), "seconds_per_step": seconds}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", required=True, help="postgres://… of the shop")
    parser.add_argument("--as-of", type=date.fromisoformat, required=True)
    parser.add_argument("--table", default="bench_seed_scores")
    parser.add_argument("--trees", type=int, default=100)
    parser.add_argument("--min-samples-leaf", type=int, default=1, help="scikit-learn's default: 1")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.url, args.as_of, args.table, args.trees, args.min_samples_leaf)))


if __name__ == "__main__":
    main()
