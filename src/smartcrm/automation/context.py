"""What a run knows: the record that fired it, its customer and the customer's scores.

Flat, dotted names (``customer.country``, ``score.churn_risk``, ``record.total``) that rules
test and the editor offers. No contact details: the context is stored with the run and shown
in its log, so an email address is read only by the step that sends, from the customer row.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from smartcrm.campaigns.audience import views_containing
from smartcrm.customers.models import Customer
from smartcrm.intelligence.models import CustomerScore

ENTITIES = ("customer", "order", "ticket", "review", "deal")

CUSTOMER_FIELDS = (
    "id",
    "kind",
    "city",
    "region",
    "country",
    "language",
    "source",
    "orders_count",
    "total_spent",
    "first_order_at",
    "last_order_at",
    "created_at",
    "renews_on",
)
SCORE_FIELDS = (
    "segment",
    "rfm_code",
    "churn_risk",
    "clv_12m",
    "propensity_30d",
    "probability_alive",
    "next_category",
    "cluster_label",
)
RECORD_FIELDS: dict[str, tuple[str, ...]] = {
    "customer": (),
    "order": ("id", "number", "status", "channel", "currency", "total", "placed_at"),
    "ticket": ("id", "status", "priority", "channel", "language", "created_at"),
    "review": ("id", "rating", "status", "language", "product_id", "order_id", "created_at"),
    "deal": ("id", "value", "currency", "stage_id", "expected_close", "created_at", "closed_at"),
}
EXTRA_FIELDS = (
    "customer.tags",
    "customer.saved_views",  # the ids of the saved customer views the customer is in
    "record.stage",
    "record.sentiment",
    "record.sentiment_score",
    "record.intent",
    "record.urgency_level",
    "alert.kind",
    "alert.metric",
    "alert.severity",
    "event",
)


def all_fields() -> list[str]:
    """Every field a rule may name (the editor's list)."""
    names = [f"customer.{f}" for f in CUSTOMER_FIELDS] + [f"score.{f}" for f in SCORE_FIELDS]
    names += sorted({f"record.{f}" for fields in RECORD_FIELDS.values() for f in fields})
    return names + list(EXTRA_FIELDS)


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def record_values(entity: str, obj: Any) -> dict[str, Any]:
    values = {f"record.{f}": jsonable(getattr(obj, f, None)) for f in RECORD_FIELDS.get(entity, ())}
    if entity == "deal":
        values["record.stage"] = obj.stage.name
    return values


def customer_values(customer_id: int | None) -> dict[str, Any]:
    """The customer's fields, tags and scores (empty when there is no customer)."""
    if customer_id is None:
        return {}
    customer = Customer.objects.filter(pk=customer_id).prefetch_related("tags").first()
    if customer is None:
        return {}
    values = {f"customer.{f}": jsonable(getattr(customer, f)) for f in CUSTOMER_FIELDS}
    values["customer.tags"] = sorted(t.name for t in customer.tags.all())
    values["customer.saved_views"] = views_containing(customer_id)
    score = CustomerScore.objects.filter(customer_id=customer_id).values(*SCORE_FIELDS).first() or {}
    values |= {f"score.{f}": jsonable(score.get(f)) for f in SCORE_FIELDS}
    return values


def build(entity: str, obj: Any) -> tuple[int | None, dict[str, Any]]:
    """(customer id, context) for a record of ``entity``."""
    customer_id = obj.pk if entity == "customer" else getattr(obj, "customer_id", None)
    values = customer_values(customer_id)
    if entity == "customer":
        values |= {
            f"record.{k.removeprefix('customer.')}": v for k, v in values.items() if k != "customer.tags"
        }
    return customer_id, values | record_values(entity, obj)


def merge_values(context: dict[str, Any], customer: Customer | None) -> dict[str, Any]:
    """The merge fields an email template may use: the customer's names, and the context's
    fields with dots as underscores (``{{ score_segment }}``, ``{{ record_number }}``)."""
    values = {k.replace(".", "_"): v for k, v in context.items() if not isinstance(v, list | dict)}
    if customer is not None:
        values |= {
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "name": customer.name,
            "company_name": customer.company_name,
        }
    return values


MERGE_FIELDS = ["first_name", "last_name", "name", "company_name"] + [
    f.replace(".", "_") for f in all_fields() if f != "customer.tags"
]
