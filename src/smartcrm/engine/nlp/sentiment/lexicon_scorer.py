"""Sentiment from the hand-written cues alone: the fallback for a language with no training data.

A model trained on one language only (a shop with English reviews, or the default built without
its Chinese data for a zero-shot check) still reads the other language's obvious cues
("很好", "太慢了") instead of guessing from n-grams it never saw. P(positive) is a logistic
function of the summed clause polarities; no cue gives 0.5.
"""

from __future__ import annotations

import numpy as np

from .cues import clauses, lexicon_polarity

SLOPE = 1.0


class LexiconScorer:
    classes_ = np.array(["negative", "positive"], dtype=object)

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        totals = np.array(
            [sum(lexicon_polarity(piece) for piece in clauses(text)) for text in texts], dtype=float
        )
        positive = 1.0 / (1.0 + np.exp(-SLOPE * totals))
        return np.column_stack([1.0 - positive, positive])
