"""Recommendations from implicit feedback: collaborative filtering, fallbacks and business rules."""

from .data import InteractionMatrix
from .model import CollaborativeRecommender
from .split import holdout_per_user

__all__ = ["CollaborativeRecommender", "InteractionMatrix", "holdout_per_user"]
