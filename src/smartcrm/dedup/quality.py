"""Data quality for the shop's own tables: the report (engine ``quality_report`` over frames read
here) and the bulk fixes, each with a preview count and an audit entry per changed customer.

The report reads at most ``limit`` of the newest customers and orders (decrypting contact
details in memory only); examples of contact details are masked for viewers without
``view_pii``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from smartcrm.accounts.roles import Capability
from smartcrm.catalog.models import Product
from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import ServiceValidationError
from smartcrm.core.models import AuditEvent
from smartcrm.core.pii import hash_for_lookup, mask_address, mask_email, mask_phone
from smartcrm.customers.models import PERSONAL_FIELDS, Customer
from smartcrm.engine.quality import Issue, checks, quality_report
from smartcrm.orders.models import Order, OrderLine

REPORT_LIMIT = 200_000
BATCH = 5_000
MASKS: dict[str, Callable[[str], str]] = {
    "email": mask_email,
    "phone": mask_phone,
    "street_address": mask_address,
}


def _region() -> str:
    return str(getattr(settings, "SMARTCRM_DEFAULT_REGION", "US") or "US")


def data_quality_report(*, user: Any, limit: int = REPORT_LIMIT) -> list[Issue]:
    customer_cols = ["id", "kind", "first_name", "last_name", "email", "phone", "street_address", "country",
                     "created_at"]  # fmt: skip
    customers = pd.DataFrame.from_records(
        list(Customer.objects.order_by("-pk").values_list(*customer_cols)[:limit]), columns=customer_cols
    )
    order_cols = ["id", "total", "subtotal", "placed_at"]
    orders = pd.DataFrame.from_records(
        list(Order.objects.order_by("-pk").values_list(*order_cols)[:limit]), columns=order_cols
    )
    line_cols = ["order_id", "unit_price", "quantity", "line_total"]
    newest_orders = Order.objects.order_by("-pk").values("pk")[:limit]
    lines = pd.DataFrame.from_records(
        list(OrderLine.objects.filter(order_id__in=newest_orders).values_list(*line_cols)), columns=line_cols
    )
    lines.insert(0, "id", range(1, len(lines) + 1))
    product_cols = ["id", "name", "sku", "price", "stock"]
    products = pd.DataFrame.from_records(
        list(Product.objects.values_list(*product_cols)), columns=product_cols
    )
    issues = quality_report(
        customers=customers,
        orders=orders,
        lines=lines,
        products=products,
        region=_region(),
        now=timezone.now(),
    )
    if user.can(Capability.VIEW_PII):
        return issues
    return [_masked(i) for i in issues]


def _masked(issue: Issue) -> Issue:
    mask = MASKS.get(issue.field)
    if mask is None:
        return issue
    return replace(
        issue, examples=[{**e, "value": mask(e["value"]) if e["value"] else ""} for e in issue.examples]
    )


# -- bulk fixes ------------------------------------------------------------------------------------
def _fix_lower_emails(c: Customer) -> dict[str, Any]:
    if not c.email or not checks.email_is_valid(c.email):
        return {}
    new = checks.normalised_email(c.email)
    return {"email": new, "email_hash": hash_for_lookup(new)} if new != c.email else {}


def _fix_phones(c: Customer) -> dict[str, Any]:
    if not c.phone:
        return {}
    new = checks.phone_e164(c.phone, c.country if len(c.country) == 2 else _region())
    return {"phone": new, "phone_hash": hash_for_lookup(new)} if new and new != c.phone else {}


def _fix_trim(c: Customer) -> dict[str, Any]:
    fields = ("first_name", "last_name", "company_name")
    return {
        f: checks.trimmed(getattr(c, f)) for f in fields if getattr(c, f) != checks.trimmed(getattr(c, f))
    }


def _fix_title_case(c: Customer) -> dict[str, Any]:
    fields = ("first_name", "last_name")
    return {f: checks.title_cased(getattr(c, f)) for f in fields if checks.is_shouting_or_flat(getattr(c, f))}


FIXES: dict[str, tuple[str, Callable[[Customer], dict[str, Any]], tuple[str, ...]]] = {
    "lower_emails": ("Lower-case and trim email addresses", _fix_lower_emails, ("email",)),
    "normalise_phones": ("Phone numbers to E.164 (+countrycode…)", _fix_phones, ("phone",)),
    "trim_names": ("Trim stray spaces from names", _fix_trim, ("first_name", "last_name", "company_name")),
    "title_case_names": ("Title-case names in all capitals or all lower case", _fix_title_case,
                         ("first_name", "last_name")),
}  # fmt: skip
PII = PERSONAL_FIELDS  # their values never reach the audit log


def _fix(name: str) -> tuple[str, Callable[[Customer], dict[str, Any]], tuple[str, ...]]:
    if name not in FIXES:
        raise ServiceValidationError({"fix": f"Unknown fix; use one of: {', '.join(FIXES)}."})
    return FIXES[name]


def _batches(fields: tuple[str, ...]) -> Iterator[list[Customer]]:
    last = 0
    columns = [
        "pk",
        *fields,
        "country",
        "kind",
        "first_name",
        "last_name",
        "company_name",
        "language",
        "city",
    ]
    while True:
        batch = list(Customer.objects.filter(pk__gt=last).order_by("pk").only(*set(columns))[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def preview_fix(name: str) -> int:
    """How many customers the fix would change (nothing is written)."""
    _, fix, fields = _fix(name)
    return sum(1 for batch in _batches(fields) for c in batch if fix(c))


def apply_fix(*, actor: Actor, name: str) -> int:
    """Apply a fix to every customer it concerns, batch by batch (each batch one transaction);
    one audit entry per changed customer (field names only for contact details)."""
    _, fix, fields = _fix(name)
    changed_total = 0
    for batch in _batches(fields):
        changed, events, touched = [], [], set()
        for customer in batch:
            values = fix(customer)
            if not values:
                continue
            changes = {
                k: "changed" if k in PII else {"from": getattr(customer, k), "to": v}
                for k, v in values.items()
            }
            for k, v in values.items():
                setattr(customer, k, v)
            touched |= set(values)
            if {"first_name", "last_name", "company_name"} & set(values):
                customer.name = customer.compose_name()
                customer.search_text = " ".join(
                    p.lower() for p in (customer.name, customer.company_name, customer.city) if p
                )
                touched |= {"name"}
            changed.append(customer)
            events.append(
                AuditEvent(
                    action=AuditAction.FIX_DATA,
                    object_type="customers.customer",
                    object_id=str(customer.pk),
                    changes={"fix": name, **changes},
                    **_actor(actor),
                )
            )
        if changed:
            with transaction.atomic():
                Customer.objects.bulk_update(changed, sorted(touched), batch_size=1_000)
                AuditEvent.objects.bulk_create(events, batch_size=1_000)
            changed_total += len(changed)
    audit.record(
        actor,
        AuditAction.RUN_DATA_FIX,
        object_type="customers.customer",
        changes={"fix": name, "changed": changed_total},
    )
    return changed_total


def _actor(actor: Actor) -> dict[str, Any]:
    user = audit.user_of(actor)
    label = user.get_username() if user else (actor if isinstance(actor, str) else audit.SYSTEM)
    return {"actor": user, "actor_label": label}
