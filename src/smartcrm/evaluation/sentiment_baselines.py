"""Untuned zero-shot sentiment baselines for ``smartcrm eval sentiment --zero-shot`` (English).

* ``vader``: VADER's compound score (``vaderSentiment``); positive at ≥ 0.05, its documented cut.
* ``minilm_zero_shot``: all-MiniLM-L6-v2 (all six layers, as published) cosine similarity of
  each text to three positive label descriptions minus that to three negative ones (each side's
  descriptions averaged); positive when above 0. No training, no labels.
* ``vader_minilm``: the mean of the two scores, each z-scored over the evaluated texts (no
  labels used); positive above 0.

Each is a signed score: its ROC-AUC is comparable with the default's.
"""

from __future__ import annotations

import numpy as np

from smartcrm.engine.nlp.sentiment import encoders
from smartcrm.engine.nlp.sentiment.zero_shot import label_score

THRESHOLDS = {"vader": 0.05, "minilm_zero_shot": 0.0, "vader_minilm": 0.0}


def minilm_zero_shot(texts: list[str]) -> np.ndarray:
    """Cosine to the positive descriptions minus cosine to the negative ones (all six layers)."""
    return label_score(encoders.embed(texts, encoders.FULL_LAYERS), encoders.FULL_LAYERS)


def _z(values: np.ndarray) -> np.ndarray:
    return (values - values.mean()) / (values.std() + 1e-12)


def scores(texts: list[str]) -> dict[str, np.ndarray]:
    """The three baselines' signed scores for English texts."""
    vader = encoders.vader(texts)[:, 0]
    minilm = minilm_zero_shot(texts)
    return {"vader": vader, "minilm_zero_shot": minilm, "vader_minilm": (_z(vader) + _z(minilm)) / 2}
