"""Sentiment (negative / neutral / positive with a score) and aspect sentiment, English and Chinese.

Entry points: :class:`SentimentModel` (``fit``, ``predict_sentiment``, ``predict_aspects``,
``to_bytes``/``from_bytes``), :func:`load_default_model` (the shipped default, trained from data
inside installed packages and cached), :func:`adapt_to_reviews` (retrain on a shop's star-rated
reviews and report the gain over the default) and :func:`aspect_sentiments`.
"""

from .adapt import Adaptation, adapt_to_reviews
from .aspects import aspect_sentiments
from .default import load_default_model
from .labels import LABELS, as_labels, labels_from_stars
from .model import SentimentModel

__all__ = [
    "LABELS",
    "Adaptation",
    "SentimentModel",
    "adapt_to_reviews",
    "as_labels",
    "aspect_sentiments",
    "labels_from_stars",
    "load_default_model",
]
