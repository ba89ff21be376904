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

POSITIVE = ("This is a positive review.", "I loved it, it is great.", "Excellent, highly recommended.")
NEGATIVE = ("This is a negative review.", "I hated it, it is terrible.", "Awful, a waste of money.")
THRESHOLDS = {"vader": 0.05, "minilm_zero_shot": 0.0, "vader_minilm": 0.0}


def minilm_zero_shot(texts: list[str]) -> np.ndarray:
    """Cosine to the positive descriptions minus cosine to the negative ones (normalised embeddings)."""
    embedded = encoders.embed(texts, encoders.FULL_LAYERS)
    positive = encoders.embed(list(POSITIVE), encoders.FULL_LAYERS).mean(axis=0)
    negative = encoders.embed(list(NEGATIVE), encoders.FULL_LAYERS).mean(axis=0)
    return np.asarray(embedded @ positive - embedded @ negative, dtype=float)


def _z(values: np.ndarray) -> np.ndarray:
    return (values - values.mean()) / (values.std() + 1e-12)


def scores(texts: list[str]) -> dict[str, np.ndarray]:
    """The three baselines' signed scores for English texts."""
    vader = encoders.vader(texts)[:, 0]
    minilm = minilm_zero_shot(texts)
    return {"vader": vader, "minilm_zero_shot": minilm, "vader_minilm": (_z(vader) + _z(minilm)) / 2}
