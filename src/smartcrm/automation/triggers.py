"""Trigger definitions: what each looks like, its check when saved, and the key events match.

::

    {"type": "record", "entity": "order", "action": "created"}      # or "changed"
    {"type": "score", "score": "churn_risk", "above": 0.7}           # or "below"
    {"type": "score", "score": "segment", "to": "At risk"}           # any change without "to"
    {"type": "alert"}                                                # conditions on alert.*
    {"type": "sentiment", "to": "negative"}                          # a ticket's analysed sentiment
    {"type": "view", "view_id": 12}                                  # a customer enters a saved view
    {"type": "time", "schedule": "cron", "cron": "0 9 * * 1"}        # "time_zone" optional
    {"type": "time", "schedule": "after_last_order", "days": 30, "at": "09:00"}
    {"type": "time", "schedule": "before_birthday", "days": 3, "at": "09:00"}   # every year
    {"type": "time", "schedule": "before_renewal", "days": 7, "at": "09:00"}    # each renewal
    {"type": "webhook"}
    {"type": "manual"}
"""

from __future__ import annotations

from datetime import time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings

from smartcrm.automation.context import ENTITIES, SCORE_FIELDS
from smartcrm.automation.models import TriggerType
from smartcrm.automation.schedule import BadCron, parse_cron
from smartcrm.collaboration.models import ListKind, SavedView

Trigger = dict[str, Any]
NUMERIC_SCORES = ("churn_risk", "clv_12m", "propensity_30d", "probability_alive")
SENTIMENTS = ("negative", "neutral", "positive")
# Timed schedules of one customer, with the most days each may be set to, the date field it
# counts from (none: the last order) and the key prefix of its due rows (TimedTrigger.key).
CUSTOMER_SCHEDULES = {"after_last_order": 3650, "before_birthday": 365, "before_renewal": 3650}
DATE_FIELDS = {"before_birthday": "birthday", "before_renewal": "renews_on"}
KEY_PREFIXES = {"after_last_order": "customer", "before_birthday": "birthday", "before_renewal": "renewal"}


# One of each, for the editor to offer beside its JSON box.
EXAMPLES: tuple[Trigger, ...] = (
    {"type": "record", "entity": "order", "action": "created"},
    {"type": "score", "score": "churn_risk", "above": 0.7},
    {"type": "alert"},
    {"type": "sentiment", "to": "negative"},
    {"type": "view", "view_id": 1},
    {"type": "time", "schedule": "after_last_order", "days": 30, "at": "09:00"},
    {"type": "time", "schedule": "before_birthday", "days": 3, "at": "09:00"},
    {"type": "time", "schedule": "before_renewal", "days": 7, "at": "09:00"},
    {"type": "time", "schedule": "cron", "cron": "0 9 * * 1"},
    {"type": "webhook"},
    {"type": "manual"},
)


def customer_view_exists(view_id: int) -> bool:
    return SavedView.objects.filter(pk=view_id, list_kind=ListKind.CUSTOMERS).exists()


def zone(trigger: Trigger) -> ZoneInfo:
    """The trigger's time zone: its own, else the shop's (``SMARTCRM_TIME_ZONE``)."""
    return ZoneInfo(trigger.get("time_zone") or settings.TIME_ZONE)


def at_time(trigger: Trigger) -> time:
    hour, minute = (int(x) for x in str(trigger.get("at", "09:00")).split(":"))
    return time(hour, minute)


def problems(trigger: Any) -> list[str]:
    if not isinstance(trigger, dict) or trigger.get("type") not in TriggerType.values:
        return [f"trigger.type: one of {', '.join(TriggerType.values)}"]
    kind = trigger["type"]
    found: list[str] = []
    if kind == TriggerType.RECORD:
        if trigger.get("entity") not in ENTITIES:
            found.append(f"trigger.entity: one of {', '.join(ENTITIES)}")
        if trigger.get("action") not in ("created", "changed"):
            found.append("trigger.action: created or changed")
    elif kind == TriggerType.SCORE:
        score = trigger.get("score")
        if score not in SCORE_FIELDS:
            found.append(f"trigger.score: one of {', '.join(SCORE_FIELDS)}")
        elif score in NUMERIC_SCORES and not any(
            isinstance(trigger.get(k), int | float) for k in ("above", "below")
        ):
            found.append("trigger: a numeric score crosses a line: give above or below")
    elif kind == TriggerType.SENTIMENT:
        if trigger.get("to") not in SENTIMENTS:
            found.append(f"trigger.to: one of {', '.join(SENTIMENTS)}")
    elif kind == TriggerType.VIEW:
        view_id = trigger.get("view_id")
        if not isinstance(view_id, int) or isinstance(view_id, bool) or not customer_view_exists(view_id):
            found.append("trigger.view_id: the id of a saved customer view")
    elif kind == TriggerType.TIME:
        try:
            zone(trigger)
        except (ZoneInfoNotFoundError, ValueError):
            found.append("trigger.time_zone: not a time zone")
        if trigger.get("schedule") == "cron":
            try:
                parse_cron(str(trigger.get("cron", "")))
            except BadCron as exc:
                found.append(f"trigger.cron: {exc}")
        elif trigger.get("schedule") in CUSTOMER_SCHEDULES:
            most = CUSTOMER_SCHEDULES[trigger["schedule"]]
            if not isinstance(trigger.get("days"), int) or not 0 <= trigger["days"] <= most:
                found.append(f"trigger.days: whole days, 0 to {most}")
            try:
                at_time(trigger)
            except ValueError:
                found.append('trigger.at: a time like "09:00"')
        else:
            found.append(f"trigger.schedule: cron or one of {', '.join(CUSTOMER_SCHEDULES)}")
    return found


def due_prefix(trigger: Trigger) -> str:
    """How the trigger's stored due rows are keyed: "cron", or "customer", "birthday", "renewal"
    before ":<customer id>" (a row of another prefix was planned for an earlier definition)."""
    schedule = str(trigger.get("schedule", ""))
    return "cron" if schedule == "cron" else KEY_PREFIXES.get(schedule, "")


def key(trigger: Trigger) -> str:
    """What the trigger listens for: "record:order:created", "score", "time:cron"..."""
    kind = trigger["type"]
    if kind == TriggerType.RECORD:
        return f"record:{trigger['entity']}:{trigger['action']}"
    if kind == TriggerType.TIME:
        return f"time:{trigger['schedule']}"
    if kind == TriggerType.SENTIMENT:
        return f"sentiment:{trigger['to']}"
    if kind == TriggerType.VIEW:
        return f"view:{trigger['view_id']}"
    return str(kind)


def crossed(trigger: Trigger, old: Any, new: Any) -> bool:
    """Whether a score went over (or under) the trigger's line, or changed (to its value)."""
    if "above" in trigger:
        line = float(trigger["above"])
        return new is not None and new > line and (old is None or old <= line)
    if "below" in trigger:
        line = float(trigger["below"])
        return new is not None and new < line and (old is None or old >= line)
    if "to" in trigger:
        return bool(new == trigger["to"] and old != new)
    return bool(old != new and new not in (None, ""))


def sentence(trigger: Trigger) -> str:
    kind = trigger.get("type")
    if kind == TriggerType.RECORD:
        return f"When a {trigger.get('entity')} is {trigger.get('action')}"
    if kind == TriggerType.SCORE:
        name = str(trigger.get("score", "")).replace("_", " ")
        if "above" in trigger:
            return f"When {name} rises above {trigger['above']}"
        if "below" in trigger:
            return f"When {name} falls below {trigger['below']}"
        return f"When {name} changes" + (f" to “{trigger['to']}”" if "to" in trigger else "")
    if kind == TriggerType.ALERT:
        return "When an anomaly alert is raised"
    if kind == TriggerType.SENTIMENT:
        return f"When a ticket reads {trigger.get('to')}"
    if kind == TriggerType.VIEW:
        return f"When a customer enters the saved view #{trigger.get('view_id')}"
    if kind == TriggerType.TIME:
        tz = trigger.get("time_zone") or settings.TIME_ZONE
        if trigger.get("schedule") == "cron":
            return f"On the schedule “{trigger.get('cron')}” ({tz})"
        at = trigger.get("at", "09:00")
        if trigger.get("schedule") == "before_birthday":
            return f"{trigger.get('days')} days before a customer's birthday, every year, at {at} ({tz})"
        if trigger.get("schedule") == "before_renewal":
            return f"{trigger.get('days')} days before a customer's renewal, at {at} ({tz})"
        return f"{trigger.get('days')} days after a customer's last order, at {at} ({tz})"
    if kind == TriggerType.WEBHOOK:
        return "When its webhook URL is called"
    return "When started by hand for chosen customers"
