"""MovieLens 100K read from the installed ``recbole`` package's example data (research use only).

``recbole`` is installed with ``--no-deps`` and never imported: only its data folder is located.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd


def data_dir() -> Path:
    spec = importlib.util.find_spec("recbole")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "the ml-100k data needs the data package: pip install --no-deps recbole==1.2.1"
        )
    path = Path(spec.submodule_search_locations[0]) / "dataset_example" / "ml-100k"
    if not (path / "ml-100k.inter").exists():
        raise FileNotFoundError(f"ml-100k data files not found in {path}")
    return path


def load_interactions() -> pd.DataFrame:
    """All 100,000 ratings as interactions: user_id, item_id, rating, timestamp (ids as int)."""
    frame = pd.read_csv(data_dir() / "ml-100k.inter", sep="\t")
    frame.columns = [c.split(":")[0] for c in frame.columns]
    return frame.astype({"user_id": "int64", "item_id": "int64", "rating": "float64", "timestamp": "int64"})


def load_items() -> pd.DataFrame:
    """Movies: item_id, title, year and genres (the category of the business rules)."""
    frame = pd.read_csv(data_dir() / "ml-100k.item", sep="\t")
    frame.columns = [c.split(":")[0] for c in frame.columns]
    frame = frame.rename(columns={"movie_title": "title", "release_year": "year", "class": "genres"})
    frame["category"] = frame["genres"].fillna("").astype(str).str.split(" ").str[0]
    return frame
