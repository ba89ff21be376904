"""Shop-defined intents: a few training phrases per intent, matched to a customer's message by
the nearest phrase in the sentence space the help center uses (MiniLM for English, e5-small for
Chinese and other languages), the way Dialogflow-style bots are built but trained locally in a
second.

A message matches the intent of its nearest training phrase when the cosine similarity reaches
the encoder's floor; otherwise nothing matches and retrieval answers. A match is **certain**
from a higher level (a near copy of a phrase): only a certain match beats a confident article,
so "你好，我想退货" (hello, I want to return this), close to the greeting "你好", still gets the
returns article. The two encoders score on
different scales (e5's similarities are compressed: unrelated sentences still score about
0.8), so each has its own floor, chosen on held-out paraphrases of greeting, thanks and
gift-wrapping phrases (tests/engine/dialogue/test_intents.py): MiniLM paraphrases scored 0.59–0.83
and unrelated shop questions at most 0.44; e5 paraphrases 0.92–0.97 and unrelated at most 0.88.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from smartcrm.engine.retrieval.dense import encode, encode_query
from smartcrm.engine.retrieval.index import DEFAULT_ENCODERS, language_key

FLOORS = {"minilm": 0.55, "e5-small": 0.9}
CERTAIN = {"minilm": 0.8, "e5-small": 0.95}


@dataclass(frozen=True)
class IntentMatch:
    intent: str
    similarity: float
    phrase: str
    certain: bool = False


def _normalise(text: str) -> str:
    return " ".join(text.lower().split())


class IntentMatcher:
    """Nearest training phrase, per language. ``fit`` takes a frame of ``intent, language, phrase``."""

    def __init__(self, encoders: dict[str, str | None] | None = None, floors: dict[str, float] | None = None):
        self.encoders = encoders
        self.floors = floors

    def _encoder(self, key: str) -> str:
        encoders = self.encoders or DEFAULT_ENCODERS
        return encoders.get(key) or encoders.get("*") or "e5-small"

    def fit(self, phrases: pd.DataFrame) -> IntentMatcher:
        self.vectors_: dict[str, np.ndarray] = {}
        self.intents_: dict[str, list[str]] = {}
        self.phrases_: dict[str, list[str]] = {}
        frame = phrases.assign(key=phrases["language"].map(language_key))
        for key, group in frame.groupby("key", sort=True):
            texts = [str(p) for p in group["phrase"]]
            self.vectors_[str(key)] = encode(self._encoder(str(key)), texts, query=True)
            self.intents_[str(key)] = [str(i) for i in group["intent"]]
            self.phrases_[str(key)] = texts
        return self

    def predict_intent(self, text: str, language: str) -> IntentMatch | None:
        """The intent ``text`` asks for, or None when no training phrase is close enough."""
        key = language_key(language)
        if key not in self.vectors_ or not text.strip():
            return None
        phrases = self.phrases_[key]
        exact = [i for i, p in enumerate(phrases) if _normalise(p) == _normalise(text)]
        if exact:
            return IntentMatch(self.intents_[key][exact[0]], 1.0, phrases[exact[0]], certain=True)
        encoder = self._encoder(key)
        # The same (memoised) embedding the help-center search makes of the message: no second pass.
        similarity = self.vectors_[key] @ encode_query(encoder, text)
        best = int(np.argmax(similarity))
        floor = (self.floors or FLOORS).get(encoder, FLOORS["e5-small"])
        score = float(similarity[best])
        if score < floor:
            return None
        certain = score >= CERTAIN.get(encoder, CERTAIN["e5-small"])
        return IntentMatch(self.intents_[key][best], round(score, 4), phrases[best], certain=certain)
