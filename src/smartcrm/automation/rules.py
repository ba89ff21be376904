"""Workflow conditions: a JSON rule a person can read, its check, and its English sentence.

A rule is one of::

    {"all": [rule, ...]}            every one holds
    {"any": [rule, ...]}            at least one holds
    {"not": rule}                   it does not hold
    {"field": "score.churn_risk", "op": ">", "value": 0.7}

Fields are the dotted names of a run's context (``customer.country``, ``score.segment``,
``record.total``; see :func:`smartcrm.automation.context.build`). ``None`` (or ``{}``) is the
rule that always holds. A rule is checked when it is saved (:func:`problems`), so a typo is an
error there, not a workflow that never fires.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

Rule = dict[str, Any]

# The operators and the best-known fields in the reader's language (sentences only; rules keep
# their English keys).
OP_WORDS = {
    "=": gettext_lazy("is"),
    "!=": gettext_lazy("is not"),
    ">": gettext_lazy("is above"),
    ">=": gettext_lazy("is at least"),
    "<": gettext_lazy("is below"),
    "<=": gettext_lazy("is at most"),
    "in": gettext_lazy("is one of"),
    "not in": gettext_lazy("is none of"),
    "contains": gettext_lazy("contains"),
    "is set": gettext_lazy("is set"),
    "is not set": gettext_lazy("is not set"),
}
OPS = tuple(OP_WORDS)
FIELD_WORDS = {
    "score.segment": gettext_lazy("segment"),
    "score.rfm_code": gettext_lazy("RFM code"),
    "score.churn_risk": gettext_lazy("churn risk"),
    "score.clv_12m": gettext_lazy("12-month CLV"),
    "score.propensity_30d": gettext_lazy("chance to buy within 30 days"),
    "score.probability_alive": gettext_lazy("P(alive)"),
    "score.next_category": gettext_lazy("next category"),
    "score.cluster_label": gettext_lazy("cluster"),
    "customer.tags": gettext_lazy("customer tags"),
    "customer.country": gettext_lazy("customer country"),
    "customer.language": gettext_lazy("customer language"),
    "record.status": gettext_lazy("status"),
    "record.priority": gettext_lazy("priority"),
    "record.channel": gettext_lazy("channel"),
    "record.total": gettext_lazy("order total"),
    "record.rating": gettext_lazy("rating"),
    "record.sentiment": gettext_lazy("sentiment"),
    "record.intent": gettext_lazy("intent"),
    "record.urgency_level": gettext_lazy("urgency"),
}
UNARY = {"is set", "is not set"}
OPEN_PREFIXES = ("webhook.",)  # an inbound webhook's payload: its fields are the caller's


def problems(rule: Rule | None, fields: set[str] | None = None, path: str = "rule") -> list[str]:
    """What is wrong with ``rule`` (empty when it is well formed); ``fields`` limits field names."""
    if not rule:
        return []
    if not isinstance(rule, dict):
        return [f"{path}: a rule is an object"]
    if "all" in rule or "any" in rule:
        key = "all" if "all" in rule else "any"
        parts = rule[key]
        if not isinstance(parts, list) or not parts:
            return [f"{path}.{key}: give a non-empty list of rules"]
        return [p for i, part in enumerate(parts) for p in problems(part, fields, f"{path}.{key}[{i}]")]
    if "not" in rule:
        return problems(rule["not"], fields, f"{path}.not") or ([] if rule["not"] else [f"{path}.not: empty"])
    found: list[str] = []
    field, op = rule.get("field"), rule.get("op")
    if not isinstance(field, str) or not field:
        found.append(f"{path}: a condition needs a field")
    elif fields is not None and field not in fields and not field.startswith(OPEN_PREFIXES):
        found.append(f"{path}: unknown field {field!r}")
    if op not in OPS:
        found.append(f"{path}: op must be one of {', '.join(OPS)}")
    elif op in {"in", "not in"} and not isinstance(rule.get("value"), list):
        found.append(f"{path}: {op!r} takes a list of values")
    elif op not in UNARY and "value" not in rule:
        found.append(f"{path}: a value is missing")
    return found


def _compare(actual: Any, op: str, expected: Any) -> bool:
    if op == "is set":
        return actual not in (None, "", [])
    if op == "is not set":
        return actual in (None, "", [])
    if op == "in":
        return actual in expected
    if op == "not in":
        return actual not in expected
    if op == "contains":
        if isinstance(actual, list):
            return expected in actual
        return isinstance(actual, str) and str(expected).lower() in actual.lower()
    if op == "=":
        return bool(actual == expected)
    if op == "!=":
        return bool(actual != expected)
    if actual is None or expected is None:
        return False
    a: float | str
    b: float | str
    try:
        a, b = float(actual), float(expected)
    except (TypeError, ValueError):
        a, b = str(actual), str(expected)  # ISO dates and times compare as text
    return {">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b}[op]  # type: ignore[operator]


def holds(rule: Rule | None, values: Mapping[str, Any]) -> bool:
    """Whether ``rule`` holds for the context ``values`` (a missing field is ``None``)."""
    if not rule:
        return True
    if "all" in rule:
        return all(holds(r, values) for r in rule["all"])
    if "any" in rule:
        return any(holds(r, values) for r in rule["any"])
    if "not" in rule:
        return not holds(rule["not"], values)
    return _compare(values.get(rule["field"]), rule["op"], rule.get("value"))


def label(field: str) -> str:
    """``score.churn_risk`` → "churn risk"; ``customer.country`` → "customer country" (in the
    reader's language where the field is a known one)."""
    if field in FIELD_WORDS:
        return str(FIELD_WORDS[field])
    head, _dot, tail = field.partition(".")
    words = (tail if head in {"score", "record"} and tail else field).replace(".", " ").replace("_", " ")
    return words.strip()


def _value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, str):
        return f"“{value}”"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def sentence(rule: Rule | None, *, top: bool = True) -> str:
    """The rule in the reader's language: "churn risk is above 0.7 and (segment is “At risk” or …)"."""
    if not rule:
        return _("always") if top else ""
    if "all" in rule or "any" in rule:
        key = "all" if "all" in rule else "any"
        parts = [sentence(r, top=False) for r in rule[key]]
        text = (_(" and ") if key == "all" else _(" or ")).join(parts)
        return text if top or len(parts) == 1 else f"({text})"
    if "not" in rule:
        return _("not %(rule)s") % {"rule": sentence(rule["not"], top=False)}
    op = rule.get("op", "")
    words = str(OP_WORDS.get(op, op))
    if op in UNARY:
        return f"{label(rule['field'])} {words}"
    return f"{label(rule['field'])} {words} {_value(rule.get('value'))}"
