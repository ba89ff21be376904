"""The handlers campaigns give to events of apps below them (see :mod:`smartcrm.core.events`)."""

from __future__ import annotations

from typing import Any

from smartcrm.campaigns import targeting
from smartcrm.core.events import Work


def models_refreshed(result: Any) -> Work | None:
    """After ``smartcrm train`` / the nightly refresh (``intelligence.events.models_refreshed``):
    train the uplift model when the finished campaigns hold enough data (``smartcrm score``:
    only score), then store every customer's persuadability; noted on the refresh's result."""

    def work() -> None:
        done = targeting.refresh(actor="system:refresh", train=bool(result.trained))
        if done.version is not None:
            result.versions["uplift"] = done.version.version
            result.metrics["uplift"] = done.version.metrics
        elif done.skipped:
            result.metrics["uplift"] = {"skipped": done.skipped}
        result.seconds["uplift"] = done.seconds

    return work
