"""The alert record every detector produces (plain data; the Django layer stores it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from smartcrm.engine.reasons import Reason

SEVERITIES = ("low", "medium", "high")


@dataclass(frozen=True)
class Alert:
    """One alert. ``key`` identifies it across runs, so detecting twice never duplicates it.

    ``kind`` is ``metric`` (``metric`` names the series, ``first_day``..``last_day`` the days)
    or ``order`` (``order_id`` names the order, ``first_day`` = ``last_day`` its day).
    ``explanation`` is the English text of ``reason`` (the same sentence as data, for other
    languages).
    """

    kind: str
    metric: str
    first_day: date
    last_day: date
    severity: str
    score: float
    explanation: str
    order_id: int | None = None
    details: dict[str, Any] = field(default_factory=dict)
    reason: Reason | None = None

    @property
    def key(self) -> str:
        if self.kind == "order":
            return f"order:{self.order_id}"
        return f"metric:{self.metric}:{self.first_day.isoformat()}"

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["key"] = self.key
        out["reason"] = self.reason.as_json() if self.reason else None
        return out


def severity_for(score: float, medium: float, high: float) -> str:
    """``low`` below ``medium``, ``high`` from ``high`` up (score = |robust z| or its analogue)."""
    if score >= high:
        return "high"
    if score >= medium:
        return "medium"
    return "low"
