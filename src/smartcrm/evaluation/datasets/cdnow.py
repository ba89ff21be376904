"""CDNOW sample (Fader, Hardie & Lee 2005) read from the installed ``lifetimes`` package's data file.

The package itself is never imported (it breaks under pandas 3); only its file is located.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

CALIBRATION_END = "1997-09-30"  # end of week 39
HOLDOUT_END = "1998-06-30"  # end of week 78


def data_path() -> Path:
    spec = importlib.util.find_spec("lifetimes")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "the CDNOW data needs the data package: pip install --no-deps lifetimes==0.11.3"
        )
    path = Path(spec.submodule_search_locations[0]) / "datasets" / "CDNOW_sample.txt"
    if not path.exists():
        raise FileNotFoundError(f"CDNOW data file not found at {path}")
    return path


def load_transactions() -> pd.DataFrame:
    """One row per recorded purchase: customer_id, date, amount (dollars), cds."""
    raw = pd.read_csv(
        data_path(),
        sep=r"\s+",
        header=None,
        names=["master_id", "customer_id", "date", "cds", "amount"],
        dtype={"master_id": str, "customer_id": str, "date": str},
    )
    raw["date"] = pd.to_datetime(raw["date"], format="%Y%m%d")
    return raw[["customer_id", "date", "amount", "cds"]]
