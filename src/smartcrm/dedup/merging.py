"""Merging two customers into one, and taking a merge back.

A merge keeps the survivor's row, sets its fields to the best value of the two by the rules of
``dedup.rules`` (or the user's choice per group), moves every row that points at the merged
customer (orders, tickets, reviews, survey answers, notes, timeline, tasks, leads, deals,
external ids, and any later model with a foreign key to customers) to the survivor, resolves
consents per channel (the more recent decision wins), unions the tags, deletes the merged
customer and recomputes the survivor's totals. What is needed to undo it lands on the ``Merge``
record: the ids of the moved rows (plain) and the merged customer with the survivor's replaced
values (encrypted, as they hold contact details).

Undo recreates the merged customer under its old id, moves back the rows that still belong to
the survivor, restores both customers' fields, consents and tags, and recomputes both totals.
Rows added to the survivor after the merge stay with it. A merge whose survivor was itself
merged away cannot be undone until that later merge is.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcrm.activities.models import ActivityKind
from smartcrm.activities.services import log_activity
from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.customers import events as customer_events
from smartcrm.customers.models import Consent, Customer, CustomerKind, Tag
from smartcrm.dedup import rules
from smartcrm.dedup.models import DuplicatePair, Merge, MergeState, PairState
from smartcrm.orders.services import refresh_customer_totals

SIDES = ("survivor", "merged")


def _relations() -> list[tuple[str, type[models.Model], str]]:
    """(label, model, field name) of every many-to-one relation to Customer, consents aside."""
    out = []
    for rel in Customer._meta.related_objects:
        if rel.one_to_many and rel.related_model is not Consent:
            model = rel.related_model
            assert isinstance(model, type) and issubclass(model, models.Model)
            out.append((model._meta.label_lower, model, rel.field.name))
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _customer_state(customer: Customer) -> dict[str, Any]:
    return {
        f.attname: _plain(getattr(customer, f.attname))
        for f in Customer._meta.concrete_fields
        if not f.primary_key
    }


def _restore(customer: Customer, values: dict[str, Any]) -> None:
    fields = {f.attname: f for f in Customer._meta.concrete_fields}
    for name, value in values.items():
        setattr(customer, name, fields[name].to_python(value))


def _refresh_derived(customer: Customer) -> None:
    customer.name = customer.compose_name()
    customer.search_text = customer.compose_search_text([e.value for e in customer.external_ids.all()])


def _label(actor: Actor) -> str:
    user = audit.user_of(actor)
    if user is not None:
        return str(user.get_username())
    return actor if isinstance(actor, str) else audit.SYSTEM


def _validated_choices(choices: dict[str, str] | None) -> dict[str, str]:
    errors = {}
    for group, side in (choices or {}).items():
        if group not in rules.GROUPS:
            errors[f"choices.{group}"] = _("Unknown field group; use one of: %(choices)s.") % {
                "choices": ", ".join(rules.GROUPS)
            }
        elif side not in SIDES:
            errors[f"choices.{group}"] = _("Choose 'survivor' or 'merged'.")
    if errors:
        raise ServiceValidationError(errors)
    return dict(choices or {})


@transaction.atomic
def merge_customers(
    *,
    actor: Actor,
    survivor_id: int,
    merged_id: int,
    choices: dict[str, str] | None = None,
    pair: DuplicatePair | None = None,
    automatic: bool = False,
) -> Merge:
    """Merge ``merged_id`` into ``survivor_id``; ``choices`` overrides the rules per group."""
    if survivor_id == merged_id:
        raise ServiceValidationError({"merged_id": _("A customer cannot be merged into itself.")})
    overrides = _validated_choices(choices)
    locked = Customer.objects.select_for_update().in_bulk([survivor_id, merged_id])
    for key, cid in (("survivor_id", survivor_id), ("merged_id", merged_id)):
        if cid not in locked:
            raise NotFoundError(f"customer {cid} ({key})")
    survivor, merged = locked[survivor_id], locked[merged_id]

    decided = rules.choose(survivor, merged)
    for group, side in overrides.items():
        decided[group] = ("merged" if side == "merged" else "survivor", "chosen")
    survivor_before = _take_fields(survivor, merged, decided)
    moved = _move_rows(merged.pk, survivor.pk)
    consent_snapshot = _merge_consents(survivor, merged, moved)
    merged_tags = sorted(merged.tags.values_list("name", flat=True))
    tags_added = sorted(set(merged_tags) - set(survivor.tags.values_list("name", flat=True)))
    survivor.tags.add(*Tag.objects.filter(name__in=tags_added))

    snapshot = {
        "merged": _customer_state(merged),
        "merged_tags": merged_tags,
        "tags_added": tags_added,
        "survivor_before": survivor_before,
        **consent_snapshot,
    }
    merge = Merge.objects.create(
        survivor_id=survivor.pk,
        merged_id=merged.pk,
        pair=pair,
        choices={g: {"kept": s, "rule": r} for g, (s, r) in decided.items()},
        moved=moved,
        snapshot=json.dumps(snapshot),
        automatic=automatic,
        created_at=timezone.now(),
        actor=audit.user_of(actor),
        actor_label=_label(actor),
    )
    merged_pk = merged.pk
    merged.delete()  # only its score (re-computed on the next scoring run) goes with it
    _refresh_derived(survivor)
    survivor.save()
    customer_events.customer_updated(survivor)
    refresh_customer_totals([survivor.pk])
    _close_pairs(actor, merge, survivor.pk, merged_pk, pair)
    _record_merge(actor, merge, survivor, merged_pk, decided, moved)
    return merge


def _take_fields(
    survivor: Customer, merged: Customer, decided: dict[str, tuple[rules.Side, str]]
) -> dict[str, Any]:
    """Set the survivor's fields to the merged customer's where it won; return the values replaced."""
    survivor_before: dict[str, Any] = {}

    def take(name: str, value: Any) -> None:
        survivor_before.setdefault(name, _plain(getattr(survivor, name)))
        setattr(survivor, name, value)

    for group, (side, _rule) in decided.items():
        if side == "merged":
            for name in rules.GROUPS[group]:
                take(name, getattr(merged, name))
    if merged.kind == CustomerKind.COMPANY and survivor.kind != CustomerKind.COMPANY:
        take("kind", CustomerKind.COMPANY)
    if merged.created_at < survivor.created_at:
        take("created_at", merged.created_at)
    return survivor_before


def _move_rows(merged_pk: int, survivor_pk: int) -> dict[str, dict[str, Any]]:
    """Point every row of the merged customer at the survivor; return what moved, for undo."""
    moved: dict[str, dict[str, Any]] = {}
    for label, model, field in _relations():
        ids = list(model._default_manager.filter(**{field: merged_pk}).values_list("pk", flat=True))
        if ids:
            model._default_manager.filter(pk__in=ids).update(**{field: survivor_pk})
            moved[label] = {"field": field, "ids": ids}
    return moved


def _record_merge(
    actor: Actor,
    merge: Merge,
    survivor: Customer,
    merged_pk: int,
    decided: dict[str, tuple[rules.Side, str]],
    moved: dict[str, dict[str, Any]],
) -> None:
    """The audit trail (both customers) and the survivor's timeline entry."""
    changes = {
        "merged_id": merged_pk,
        "kept": {g: s for g, (s, _r) in decided.items()},
        "moved": {label: len(m["ids"]) for label, m in moved.items()},
        "automatic": merge.automatic,
    }
    audit.record(actor, AuditAction.MERGE, survivor, changes=changes)
    audit.record(actor, AuditAction.MERGE_INTO, object_type="customers.customer", object_id=str(merged_pk),
                 changes={"survivor_id": survivor.pk, "merge": merge.pk})  # fmt: skip
    log_activity(
        customer=survivor,
        kind=ActivityKind.PROFILE,
        actor=actor,
        summary=f"Duplicate customer #{merged_pk} merged into this profile",
        obj=merge,
    )


def _merge_consents(survivor: Customer, merged: Customer, moved: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Per channel the more recent decision wins (a later withdrawal must hold)."""
    mine = {c.channel: c for c in Consent.objects.select_for_update().filter(customer=survivor)}
    moved_ids, merged_kept, survivor_before = [], [], {}
    for consent in Consent.objects.select_for_update().filter(customer=merged):
        current = mine.get(consent.channel)
        if current is None:
            moved_ids.append(consent.pk)
            continue
        merged_kept.append(_consent_state(consent))
        if consent.updated_at > current.updated_at:
            survivor_before[consent.channel] = _consent_state(current)
            current.status, current.source, current.updated_at = (
                consent.status,
                consent.source,
                consent.updated_at,
            )
            current.save(update_fields=["status", "source", "updated_at"])
    if moved_ids:
        Consent.objects.filter(pk__in=moved_ids).update(customer=survivor)
        moved["customers.consent"] = {"field": "customer", "ids": moved_ids}
    return {"merged_consents": merged_kept, "survivor_consents_before": survivor_before}


def _consent_state(consent: Consent) -> dict[str, Any]:
    return {
        "channel": consent.channel,
        "status": consent.status,
        "source": consent.source,
        "updated_at": consent.updated_at.isoformat(),
    }


def _close_pairs(
    actor: Actor, merge: Merge, survivor_id: int, merged_id: int, pair: DuplicatePair | None
) -> None:
    low, high = sorted((survivor_id, merged_id))
    now = timezone.now()
    DuplicatePair.objects.filter(left_id=low, right_id=high).update(
        state=PairState.MERGED, decided_at=now, decided_by=audit.user_of(actor)
    )
    (
        DuplicatePair.objects.filter(state=PairState.PENDING)
        .filter(models.Q(left_id=merged_id) | models.Q(right_id=merged_id))
        .update(state=PairState.OBSOLETE, obsoleted_by=merge)
    )


@transaction.atomic
def undo_merge(*, actor: Actor, merge_id: int) -> Merge:
    """Take a merge back: the merged customer returns with its rows, fields, consents and tags."""
    merge = Merge.objects.select_for_update().filter(pk=merge_id).first()
    if merge is None:
        raise NotFoundError(f"merge {merge_id}")
    if merge.state != MergeState.DONE:
        raise ServiceValidationError({"__all__": _("This merge has already been undone.")})
    survivor = Customer.objects.select_for_update().filter(pk=merge.survivor_id).first()
    if survivor is None:
        message = _("The surviving customer no longer exists; undo the later merge of that customer first.")
        raise ServiceValidationError({"__all__": message})
    if Customer.objects.filter(pk=merge.merged_id).exists():
        raise ServiceValidationError(
            {"__all__": _("A customer with id %(id)s exists again.") % {"id": merge.merged_id}}
        )
    snapshot = json.loads(merge.snapshot)

    merged = Customer(pk=merge.merged_id)
    _restore(merged, snapshot["merged"])
    merged.save(force_insert=True)
    customer_events.customer_created(merged)
    for label, entry in merge.moved.items():
        model = apps.get_model(label)
        field = entry["field"]
        model._default_manager.filter(pk__in=entry["ids"], **{field: survivor.pk}).update(
            **{field: merged.pk}
        )
    for state in snapshot["merged_consents"]:
        Consent.objects.create(
            customer=merged, **{**state, "updated_at": datetime.fromisoformat(state["updated_at"])}
        )
    for channel, state in snapshot["survivor_consents_before"].items():
        Consent.objects.filter(customer=survivor, channel=channel).update(
            status=state["status"],
            source=state["source"],
            updated_at=datetime.fromisoformat(state["updated_at"]),
        )
    merged.tags.set(Tag.objects.filter(name__in=snapshot["merged_tags"]))
    survivor.tags.remove(*Tag.objects.filter(name__in=snapshot["tags_added"]))
    _restore(survivor, snapshot["survivor_before"])
    _refresh_derived(survivor)
    survivor.save()
    customer_events.customer_updated(survivor)
    _refresh_derived(merged)
    merged.save(update_fields=["name", "search_text"])
    customer_events.customer_updated(merged)
    refresh_customer_totals([survivor.pk, merged.pk])

    merge.obsoleted_pairs.update(state=PairState.PENDING, obsoleted_by=None)
    low, high = sorted((merge.survivor_id, merge.merged_id))
    DuplicatePair.objects.filter(left_id=low, right_id=high).update(
        state=PairState.PENDING, decided_at=None, decided_by=None
    )
    merge.state, merge.undone_at = MergeState.UNDONE, timezone.now()
    merge.save(update_fields=["state", "undone_at"])
    moved_back = {label: len(entry["ids"]) for label, entry in merge.moved.items()}
    audit.record(
        actor, AuditAction.UNDO_MERGE, survivor, changes={"merge": merge.pk, "restored_id": merged.pk}
    )
    audit.record(
        actor, AuditAction.RESTORE_MERGED, merged, changes={"merge": merge.pk, "moved_back": moved_back}
    )
    for customer, text in (
        (survivor, f"Merge of customer #{merged.pk} undone"),
        (merged, "Restored from a merge"),
    ):
        log_activity(customer=customer, kind=ActivityKind.PROFILE, actor=actor, summary=text, obj=merge)
    return merge
