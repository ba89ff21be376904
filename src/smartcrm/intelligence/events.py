"""What an intelligence write sets off, after the commit (see :mod:`smartcrm.core.events`).

- the scores refreshed: the workflows of the customers whose churn risk, segment, CLV or
  propensity crossed a line since the last refresh.
"""

from __future__ import annotations

from datetime import date

from smartcrm.core.events import announce


def scores_refreshed(as_of: date) -> None:
    announce(as_of, "smartcrm.automation.events.scores_refreshed")
