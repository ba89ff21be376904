"""Aspect sentiment: what a review says about delivery, price, quality, service, packaging, returns.

A review is split into clauses at punctuation and at contrast words ("but", "但是"), because one
review often praises one thing and blames another ("love the product, delivery was a week
late"). In each clause:

* the aspects it mentions are found with the bilingual term lists of :mod:`.lexicon`;
* its polarity comes from the lexicon's shop-specific cues, with negation ("not fast", "不快")
  flipping the cue that follows within a few words; when no cue fires, the sentiment model scores
  the clause alone (confident scores only, beyond the model's neutral band), at half the weight
  of a lexicon cue: on a short clause the model's guess is the weaker evidence.

An aspect's sentiment sums the polarities of the clauses that mention it. Aspects a review does
not mention are absent from its dict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import pandas as pd

from .cues import clauses, lexicon_polarity, mentioned_aspects

MODEL_WEIGHT = 0.5


class ClauseModel(Protocol):
    """What aspect sentiment needs of a sentiment model (``SentimentModel`` is one)."""

    def predict_sentiment(
        self, texts: Sequence[object], *, sentence_embeddings: bool = ...
    ) -> pd.DataFrame: ...


@dataclass(frozen=True)
class Clause:
    text: str
    aspects: tuple[str, ...]
    polarity: float


def aspect_sentiments(texts: list[object], model: ClauseModel | None = None) -> list[dict[str, str]]:
    """For each text, ``{aspect: "positive" | "negative" | "neutral"}`` for the aspects it mentions."""
    per_text: list[list[Clause]] = []
    undecided: list[tuple[int, int]] = []
    for t, text in enumerate(texts):
        found: list[Clause] = []
        for piece in clauses(str(text) if text is not None else ""):
            aspects = mentioned_aspects(piece)
            if not aspects:
                continue
            polarity = lexicon_polarity(piece)
            if polarity == 0:
                undecided.append((t, len(found)))
            found.append(Clause(piece, aspects, polarity))
        per_text.append(found)
    if model is not None and undecided:
        # A clause is a fragment scored at half weight: the model without MiniLM, its costliest part.
        scored = model.predict_sentiment(
            [per_text[t][c].text for t, c in undecided], sentence_embeddings=False
        )
        for (t, c), label in zip(undecided, scored["label"], strict=True):
            if label != "neutral":
                old = per_text[t][c]
                weight = MODEL_WEIGHT if label == "positive" else -MODEL_WEIGHT
                per_text[t][c] = Clause(old.text, old.aspects, weight)
    out: list[dict[str, str]] = []
    for found in per_text:
        totals: dict[str, float] = {}
        for clause in found:
            for aspect in clause.aspects:
                totals[aspect] = totals.get(aspect, 0) + clause.polarity
        out.append(
            {
                aspect: "positive" if value > 0 else "negative" if value < 0 else "neutral"
                for aspect, value in totals.items()
            }
        )
    return out
