"""Triage policy: from intent and urgency level to priority, team and SLA (a configurable table)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd

DEFAULT_TEAMS = {
    "order_status": "fulfilment",
    "delivery_problem": "fulfilment",
    "damaged_item": "returns",
    "return_refund": "returns",
    "cancellation": "fulfilment",
    "billing": "billing",
    "complaint": "customer_care",
    "product_question": "product",
    "other": "general",
}
# First-response SLA in hours per priority (business hours are the shop's business).
DEFAULT_SLA_HOURS = {"urgent": 2, "high": 8, "normal": 24, "low": 72}


@dataclass(frozen=True)
class TriagePolicy:
    """Priority = the urgency level, floored per intent; team by intent; SLA by priority."""

    teams: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_TEAMS))
    sla_hours: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SLA_HOURS))
    # Intents that never go below a priority (a complaint is at least "high").
    minimum_priority: dict[str, str] = field(default_factory=lambda: {"complaint": "high"})
    default_team: str = "general"

    def triage(
        self, intents: list[str], levels: list[str], created_at: list[datetime] | None = None
    ) -> pd.DataFrame:
        """``priority``, ``team``, ``sla_hours`` and (with ``created_at``) ``respond_by`` per ticket."""
        order = ["low", "normal", "high", "urgent"]
        priority = [
            max(level, self.minimum_priority.get(intent, "low"), key=order.index)
            for intent, level in zip(intents, levels, strict=True)
        ]
        out = pd.DataFrame(
            {
                "priority": priority,
                "team": [self.teams.get(i, self.default_team) for i in intents],
                "sla_hours": [float(self.sla_hours[p]) for p in priority],
            }
        )
        if created_at is not None:
            out["respond_by"] = [
                c + timedelta(hours=h) for c, h in zip(created_at, out["sla_hours"], strict=True)
            ]
        return out
