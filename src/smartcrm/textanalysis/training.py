"""Adapt the sentiment model to the shop's own star-rated reviews, register it, and use it.

Star ratings are free labels. :func:`train` trains a shop model on them
(``engine.nlp.sentiment.adapt_to_reviews``: a stratified quarter held out, the shop model and the
shipped default both scored on it), registers the shop model in the model registry with those
figures, and activates it when it beat the default on the held-out reviews (or as told). The
analyser of every process picks the active version up at its next batch; texts analysed before
keep their old analysis until ``smartcrm analyse_texts --all`` re-analyses them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.conf import settings
from django.utils import timezone

from smartcrm.core.actors import Actor
from smartcrm.engine.nlp.sentiment import SentimentModel, adapt_to_reviews
from smartcrm.modelregistry import registry
from smartcrm.modelregistry.models import ModelKind, ModelVersion
from smartcrm.textanalysis.selectors import rated_review_texts


@dataclass(frozen=True)
class SentimentAdaptation:
    version: ModelVersion
    figures: dict[str, Any]

    @property
    def activated(self) -> bool:
        return self.version.is_active


def train(
    *, actor: Actor, activate: bool | None = None, base: SentimentModel | None = None
) -> SentimentAdaptation:
    """Train, measure and register a sentiment model from the shop's reviews.

    ``activate``: None activates only a model that beat ``base`` (default: the shipped model)
    on held-out macro F1; True or False decides regardless. Raises ``ValueError`` when the reviews
    cannot train a model (fewer than 50, or a label with fewer than two reviews).
    """
    texts, stars = rated_review_texts()
    adaptation = adapt_to_reviews(texts, stars, base=base, cache_dir=settings.DATA_DIR)
    figures = _without_nan(adaptation.figures)
    record = registry.TrainingRecord(
        kind=ModelKind.SENTIMENT,
        artifact=adaptation.model.to_bytes(),
        engine=f"sentiment-{adaptation.model.method}",
        trained_as_of=timezone.localdate(),
        data_hash=registry.data_hash(pd.DataFrame({"text": texts, "stars": stars})),
        metrics=figures,
        feature_schema={
            "labels": list(adaptation.model.classes_),
            "languages": sorted(adaptation.model.classifiers_),
        },
    )
    chosen = adaptation.recommended if activate is None else activate
    version = registry.register(record, actor=actor, activate=chosen)
    return SentimentAdaptation(version=version, figures=figures)


def _without_nan(figures: Any) -> Any:
    """The figures with NaN (an AUC that a single-class hold-out cannot have) as None, for JSON."""
    if isinstance(figures, dict):
        return {key: _without_nan(value) for key, value in figures.items()}
    if isinstance(figures, float) and math.isnan(figures):
        return None
    return figures
