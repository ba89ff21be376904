"""Adaptation to a shop's own reviews: star ratings are free labels.

Stars become labels (1–2 negative, 3 neutral, 4–5 positive). A stratified held-out part of the
shop's reviews (``test_size``) is set aside; a shop model is trained on the rest and both it and
the default model score the held-out part. Figures for each: accuracy and macro F1 on the three
labels (the default's neutral comes from its neutral band), and ``polarity_auc``, the ROC-AUC of
the score on the held-out positive vs negative reviews (comparable across a two-class default
and a three-class shop model). The shop model is then refitted on all the reviews; the caller
activates it only if ``recommended`` (it beat the default on held-out macro F1).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score
from sklearn.model_selection import train_test_split

from .labels import labels_from_stars
from .model import SentimentModel

MIN_REVIEWS = 50


@dataclass
class Adaptation:
    model: SentimentModel
    figures: dict[str, Any]

    @property
    def recommended(self) -> bool:
        return bool(self.figures["recommended"])


def _figures(model: SentimentModel, texts: list[str], labels: np.ndarray) -> dict[str, float]:
    predicted = model.predict_sentiment(texts)
    polar = labels != "neutral"
    auc = float("nan")
    if len(set(labels[polar])) == 2:
        auc = roc_auc_score(labels[polar] == "positive", predicted["score"].to_numpy()[polar])
    return {
        "accuracy": round(float(accuracy_score(labels, predicted["label"])), 4),
        "macro_f1": round(float(f1_score(labels, predicted["label"], average="macro")), 4),
        "polarity_auc": round(auc, 4),
    }


def adapt_to_reviews(
    texts: Iterable[object],
    stars: Iterable[object],
    *,
    base: SentimentModel | None = None,
    cache_dir: str | Path | None = None,
    test_size: float = 0.25,
    seed: int = 0,
    method: str = "stack",
) -> Adaptation:
    """Train a shop model on star-rated reviews and report its gain over ``base`` (default: the shipped one).

    Raises ``ValueError`` for fewer than ``MIN_REVIEWS`` reviews, a rating outside 1–5 (naming
    the row), or a label class with fewer than two reviews.
    """
    text_list = ["" if t is None else str(t) for t in texts]
    labels = labels_from_stars(stars)
    if len(labels) != len(text_list):
        raise ValueError(f"{len(text_list)} texts but {len(labels)} star ratings")
    if len(labels) < MIN_REVIEWS:
        raise ValueError(f"adaptation needs at least {MIN_REVIEWS} rated reviews; got {len(labels)}")
    counts = pd.Series(labels).value_counts()
    if (counts < 2).any() or len(counts) < 2:
        raise ValueError(f"each label needs at least two reviews; counts: {counts.to_dict()}")
    if base is None:
        from .default import load_default_model

        base = load_default_model(cache_dir)
    rows = np.arange(len(labels))
    train, held = train_test_split(rows, test_size=test_size, stratify=labels, random_state=seed)
    held_texts = [text_list[i] for i in held]
    shop = SentimentModel(method=method, seed=seed).fit([text_list[i] for i in train], labels[train])
    default_figures = _figures(base, held_texts, labels[held])
    shop_figures = _figures(shop, held_texts, labels[held])
    final = SentimentModel(method=method, seed=seed).fit(text_list, labels)
    figures = {
        "n_reviews": len(labels),
        "n_held_out": len(held),
        "label_counts": {str(k): int(v) for k, v in counts.items()},
        "default": default_figures,
        "adapted": shop_figures,
        "gain": {key: round(shop_figures[key] - default_figures[key], 4) for key in default_figures},
        "recommended": shop_figures["macro_f1"] > default_figures["macro_f1"],
    }
    return Adaptation(model=final, figures=figures)
