"""CDNOW (Fader, Hardie & Lee 2005) read from the installed ``lifetimes`` package's data files.

``CDNOW_sample.txt`` is the 2,357-customer sample the CLV default was developed on;
``CDNOW_master.txt`` is the full cohort of 23,570 customers who first bought in Q1 1997 (the
sample is a tenth of it). The package itself is never imported (it breaks under pandas 3);
only its files are located.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

from smartcrm.evaluation.robustness_rows import DatasetSource

CALIBRATION_END = "1997-09-30"  # end of week 39
HOLDOUT_END = "1998-06-30"  # end of week 78
SOURCE = DatasetSource(
    name="cdnow",
    package="lifetimes==0.11.3",
    licence="MIT (package); data published by Fader, Hardie & Lee for research",
    description="CDNOW sample: 2,357 customers of an online CD shop, first purchase in Q1 1997, to mid-1998",
)
MASTER_SOURCE = DatasetSource(
    name="cdnow-master",
    package="lifetimes==0.11.3",
    licence="MIT (package); data published by Fader, Hardie & Lee for research",
    description="CDNOW full cohort: 23,570 customers (the sample is a tenth of them), same dates",
)


def data_path(file: str = "CDNOW_sample.txt") -> Path:
    spec = importlib.util.find_spec("lifetimes")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "the CDNOW data needs the data package: pip install --no-deps lifetimes==0.11.3"
        )
    path = Path(spec.submodule_search_locations[0]) / "datasets" / file
    if not path.exists():
        raise FileNotFoundError(f"CDNOW data file not found at {path}")
    return path


def load_transactions(master: bool = False) -> pd.DataFrame:
    """One row per recorded purchase: customer_id, date, amount (dollars), cds.

    ``master=True`` reads the full cohort (CDNOW_master.txt: id, date, CDs, dollars). The
    two files number customers differently.
    """
    if master:
        names = ["customer_id", "date", "cds", "amount"]
        dtype = {"customer_id": str, "date": str}
    else:
        names = ["master_id", "customer_id", "date", "cds", "amount"]
        dtype = {"master_id": str, "customer_id": str, "date": str}
    path = data_path("CDNOW_master.txt" if master else "CDNOW_sample.txt")
    header = 1 if master else 0  # the master file has a header line, the sample none
    raw = pd.read_csv(path, sep=r"\s+", header=None, skiprows=header, names=names, dtype=dtype)
    raw["date"] = pd.to_datetime(raw["date"], format="%Y%m%d")
    return raw[["customer_id", "date", "amount", "cds"]]
