"""Training the shipped default intent model on a generated shop's tickets (build or demo time).

Django-free, so that benchmarks can train it without settings; the runtime only loads the
artifact (:func:`smartcrm.engine.nlp.intent.load_default_intent_model`).
"""

from __future__ import annotations

import pandas as pd

from smartcrm.engine.nlp.intent import IntentModel, ticket_training_frame
from smartcrm.synth.generator import ShopGenerator
from smartcrm.synth.spec import ShopSpec


def synthetic_tickets(n_customers: int = 10_000, seed: int = 7) -> pd.DataFrame:
    """Labelled tickets from the synthetic shop (a different seed from the evaluation shop's 42)."""
    tables = ShopGenerator(ShopSpec(n_customers=n_customers, seed=seed)).generate()
    return ticket_training_frame(tables["tickets"], tables["ticket_messages"])


def train_default_intent_model() -> IntentModel:
    """Fit the shipped default on a generated shop's tickets (seconds)."""
    frame = synthetic_tickets()
    return IntentModel().fit(frame["text"].tolist(), frame["intent"].tolist())
