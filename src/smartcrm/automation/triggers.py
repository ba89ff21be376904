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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartcrm.automation.context import ENTITIES, SCORE_FIELDS
from smartcrm.automation.models import TriggerType
from smartcrm.automation.rules import label
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


# The words of a record trigger, in the reader's language.
ENTITY_WORDS = {
    "customer": gettext_lazy("a customer"),
    "order": gettext_lazy("an order"),
    "ticket": gettext_lazy("a ticket"),
    "review": gettext_lazy("a review"),
    "deal": gettext_lazy("a deal"),
}
RECORD_SENTENCES = {
    "created": gettext_lazy("When %(entity)s is created"),
    "changed": gettext_lazy("When %(entity)s is changed"),
}


def sentence(trigger: Trigger) -> str:
    """The trigger in the reader's language: "When an order is created"."""
    kind = trigger.get("type")
    if kind == TriggerType.RECORD:
        entity = str(trigger.get("entity"))
        template = RECORD_SENTENCES.get(str(trigger.get("action")), RECORD_SENTENCES["changed"])
        return str(template) % {"entity": ENTITY_WORDS.get(entity, entity)}
    if kind == TriggerType.SCORE:
        name = label(f"score.{trigger.get('score', '')}")
        if "above" in trigger:
            return _("When %(score)s rises above %(value)s") % {"score": name, "value": trigger["above"]}
        if "below" in trigger:
            return _("When %(score)s falls below %(value)s") % {"score": name, "value": trigger["below"]}
        if "to" in trigger:
            return _("When %(score)s changes to “%(value)s”") % {"score": name, "value": trigger["to"]}
        return _("When %(score)s changes") % {"score": name}
    if kind == TriggerType.ALERT:
        return _("When an anomaly alert is raised")
    if kind == TriggerType.SENTIMENT:
        return _("When a ticket reads %(sentiment)s") % {"sentiment": trigger.get("to")}
    if kind == TriggerType.VIEW:
        return _("When a customer enters the saved view #%(view)s") % {"view": trigger.get("view_id")}
    if kind == TriggerType.TIME:
        return _time_sentence(trigger)
    if kind == TriggerType.WEBHOOK:
        return _("When its webhook URL is called")
    return _("When started by hand for chosen customers")


def _time_sentence(trigger: Trigger) -> str:
    tz = trigger.get("time_zone") or settings.TIME_ZONE
    if trigger.get("schedule") == "cron":
        return _("On the schedule “%(cron)s” (%(tz)s)") % {"cron": trigger.get("cron"), "tz": tz}
    values = {"days": trigger.get("days"), "at": trigger.get("at", "09:00"), "tz": tz}
    if trigger.get("schedule") == "before_birthday":
        return _("%(days)s days before a customer's birthday, every year, at %(at)s (%(tz)s)") % values
    if trigger.get("schedule") == "before_renewal":
        return _("%(days)s days before a customer's renewal, at %(at)s (%(tz)s)") % values
    return _("%(days)s days after a customer's last order, at %(at)s (%(tz)s)") % values
