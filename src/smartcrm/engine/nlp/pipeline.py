"""The combined analysis of a batch of customer texts: one row per text, every model once per batch.

:class:`TextAnalyzer` runs language detection, sentiment and aspect sentiment (the sentiment
package), PII redaction and entities, and — for support texts — intent, urgency and triage.
Each stage runs vectorised over the whole batch, so the cost per text is the models' cost, not
Python overhead; ``bench/nlp.py`` measures the throughput.

Entities are returned as kind and character offsets; only order numbers keep their value (an
agent needs them, and they are not personal). The raw e-mail, phone or card number is never
copied into the analysis: the redacted text is what gets stored and shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .intent import IntentModel, load_default_intent_model
from .language import detect_languages
from .pii import find_entities, redact
from .triage import TriagePolicy
from .urgency import predict_urgency

if TYPE_CHECKING:
    from .sentiment import SentimentModel

PIPELINE_VERSION = "1"
SUPPORT_KINDS = frozenset({"ticket", "ticket_message"})
COLUMNS = (
    "lang",
    "sentiment",
    "sentiment_score",
    "aspects",
    "redacted",
    "entities",
    "intent",
    "intent_confidence",
    "urgency",
    "urgency_level",
    "urgency_reasons",
    "priority",
    "team",
    "sla_hours",
)


@dataclass
class TextAnalyzer:
    """Runs every analysis on a batch. Models are injected (tests, registry) or the defaults load lazily."""

    sentiment_model: SentimentModel | None = None
    intent_model: IntentModel | None = None
    policy: TriagePolicy = field(default_factory=TriagePolicy)
    sentiment_cache_dir: str | None = None
    # Where the default intent model's artifact is (``smartcrm train_defaults`` writes it);
    # without one, intent comes from the keyword rules.
    intent_model_dir: str | None = None

    @property
    def version(self) -> str:
        sentiment = getattr(self._sentiment(), "version_", None) or "default"
        return f"pipeline-{PIPELINE_VERSION}/sentiment-{sentiment}"

    def _sentiment(self) -> SentimentModel:
        if self.sentiment_model is None:
            from .sentiment import load_default_model

            self.sentiment_model = load_default_model(self.sentiment_cache_dir)
        return self.sentiment_model

    def _intent(self) -> IntentModel:
        if self.intent_model is None:
            self.intent_model = load_default_intent_model(self.intent_model_dir)
        return self.intent_model

    def analyse(
        self,
        texts: Sequence[str | None],
        kinds: Sequence[str] | None = None,
        prior_contacts: Sequence[int] | None = None,
        order_value: Sequence[float | None] | None = None,
    ) -> pd.DataFrame:
        """One row per text with the columns in :data:`COLUMNS`.

        ``kinds`` (``ticket``, ``ticket_message``, ``review``, ``survey``…): intent, urgency and
        triage are filled for support kinds only (all texts when ``kinds`` is omitted).
        ``prior_contacts`` and ``order_value`` feed urgency (see :mod:`.urgency`).
        """
        clean = ["" if t is None else str(t) for t in texts]
        n = len(clean)
        out = pd.DataFrame(index=range(n), columns=list(COLUMNS), dtype=object)
        if not n:
            return out
        langs = detect_languages(clean)
        sentiment_model = self._sentiment()
        sentiment = sentiment_model.predict_sentiment(clean, langs=langs)
        out["lang"] = langs
        out["sentiment"] = sentiment["label"].to_numpy()
        out["sentiment_score"] = sentiment["score"].astype(float).to_numpy()
        out["aspects"] = sentiment_model.predict_aspects(clean)
        entities = [find_entities(t) for t in clean]
        out["redacted"] = [redact(t, entities=e) for t, e in zip(clean, entities, strict=True)]
        out["entities"] = [
            [
                {
                    "kind": x.kind,
                    "start": x.start,
                    "end": x.end,
                    **({"value": x.text} if x.kind == "ORDER" else {}),
                }
                for x in found
            ]
            for found in entities
        ]
        support = (
            np.ones(n, dtype=bool)
            if kinds is None
            else np.isin(np.asarray(kinds, dtype=object), list(SUPPORT_KINDS))
        )
        rows = np.flatnonzero(support)
        if rows.size:
            self._triage(out, clean, rows, sentiment, prior_contacts, order_value)
        return out

    def _triage(
        self,
        out: pd.DataFrame,
        texts: list[str],
        rows: np.ndarray[Any, np.dtype[np.intp]],
        sentiment: pd.DataFrame,
        prior_contacts: Sequence[int] | None,
        order_value: Sequence[float | None] | None,
    ) -> None:
        subset = [texts[i] for i in rows]
        intent = self._intent().predict_intent(subset)
        # The sentiment score is positive minus negative probability: its negative part is the
        # share of "negative" the urgency rule wants (0.5 + half the score below zero).
        score = sentiment["score"].to_numpy()[rows].astype(float)
        negative = np.clip(0.5 - score / 2, 0, 1)
        urgency = predict_urgency(
            subset,
            intent["intent"].tolist(),
            negative_score=negative.tolist(),
            prior_contacts=None if prior_contacts is None else [prior_contacts[i] for i in rows],
            order_value=None if order_value is None else [order_value[i] for i in rows],
        )
        triage = self.policy.triage(intent["intent"].tolist(), urgency["level"].tolist())
        columns = {
            "intent": intent["intent"],
            "intent_confidence": intent["confidence"],
            "urgency": urgency["urgency"],
            "urgency_level": urgency["level"],
            "urgency_reasons": urgency["reasons"],
            "priority": triage["priority"],
            "team": triage["team"],
            "sla_hours": triage["sla_hours"],
        }
        for name, values in columns.items():
            column = out[name].to_numpy(dtype=object)
            for pos, value in zip(rows.tolist(), values.tolist(), strict=True):
                column[pos] = value
            out[name] = column
