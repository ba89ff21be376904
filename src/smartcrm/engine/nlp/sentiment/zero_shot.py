"""A label-description score from MiniLM embeddings: sentiment read without any training text.

Each text's embedding is compared with sentences that describe the two labels ("This is a
positive review." and so on): its cosine to the positive descriptions' mean minus its cosine
to the negative descriptions' mean. No review data goes into it, so it reads a restaurant
review as well as a movie snippet; it is the evaluation's "MiniLM zero-shot" baseline, and
the English default adds it to its log-odds (``LanguageClassifier.predict_proba``).
"""

from __future__ import annotations

import numpy as np

from . import encoders

POSITIVE = ("This is a positive review.", "I loved it, it is great.", "Excellent, highly recommended.")
NEGATIVE = ("This is a negative review.", "I hated it, it is terrible.", "Awful, a waste of money.")


def label_score(embedded: np.ndarray, layers: int) -> np.ndarray:
    """Cosine to the positive descriptions minus cosine to the negative ones (``embedded``: normalised,
    from the first ``layers`` MiniLM layers, as :func:`.encoders.embed` returns them)."""
    positive = encoders.embed(list(POSITIVE), layers).mean(axis=0)
    negative = encoders.embed(list(NEGATIVE), layers).mean(axis=0)
    return np.asarray(embedded @ positive - embedded @ negative, dtype=float)
