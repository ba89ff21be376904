"""Recommendations from implicit feedback: collaborative filtering, fallbacks and business rules.

The names below load on first use: the Django models import :mod:`.reasons` (plain text), and
starting Django must not load numpy, scipy and implicit with the rest of the package
(tests/core/test_startup.py).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .data import InteractionMatrix
    from .model import CollaborativeRecommender
    from .split import holdout_per_user

__all__ = ["CollaborativeRecommender", "InteractionMatrix", "holdout_per_user"]
_HOMES = {"CollaborativeRecommender": ".model", "InteractionMatrix": ".data", "holdout_per_user": ".split"}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_HOMES[name], __name__), name)
