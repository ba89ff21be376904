"""What an intelligence write sets off, after the commit (see :mod:`smartcrm.core.events`).

- the scores refreshed: the workflows of the customers whose churn risk, segment, CLV or
  propensity crossed a line since the last refresh.
- the models refreshed (a training or scoring run finished): the models that learn from apps
  above this one train and score in turn — the campaigns' uplift model (persuadability).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from smartcrm.core.events import announce


def scores_refreshed(as_of: date) -> None:
    announce(as_of, "smartcrm.automation.events.scores_refreshed")


def models_refreshed(result: Any) -> None:
    """``result`` is the run's ``training.RefreshResult``; the handlers add their own versions,
    metrics and seconds to it (their work runs after the commit: at once outside a transaction)."""
    announce(result, "smartcrm.campaigns.events.models_refreshed")
