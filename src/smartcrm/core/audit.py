"""Recording audit events from services (every write goes through one)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from smartcrm.core import audit_chain
from smartcrm.core.actors import Actor
from smartcrm.core.models import AuditAction, AuditEvent

if TYPE_CHECKING:
    from smartcrm.core.actors import StaffUser

SYSTEM = "system"


def user_of(actor: Actor) -> StaffUser | None:
    """The staff user behind an actor, or None for labels such as ``"cli:import"``."""
    if isinstance(actor, str):
        return None
    return actor if getattr(actor, "pk", None) and getattr(actor, "is_authenticated", False) else None


def actor_fields(actor: Actor) -> dict[str, Any]:
    """The ``actor`` and ``actor_label`` of an event (for callers that build events in bulk)."""
    user = user_of(actor)
    if user is None:
        return {"actor": None, "actor_label": str(actor) if isinstance(actor, str) else SYSTEM}
    return {"actor": user, "actor_label": user.get_username()}


def record(
    actor: Actor,
    action: AuditAction,
    obj: models.Model | None = None,
    *,
    object_type: str = "",
    object_id: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event. ``actor`` is a user, a label such as ``"import"``, or None."""
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = str(obj.pk)
    return AuditEvent.objects.create(
        action=action,
        object_type=object_type,
        object_id=object_id,
        changes=changes or {},
        **actor_fields(actor),
    )


def diff(obj: models.Model, values: dict[str, Any], sensitive: frozenset[str]) -> dict[str, Any]:
    """Apply ``values`` to ``obj`` and return what changed, hiding sensitive values."""
    changed: dict[str, Any] = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            setattr(obj, name, new)
            changed[name] = "changed" if name in sensitive else {"from": _plain(old), "to": _plain(new)}
    return changed


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


def verify_chain() -> audit_chain.Verdict:
    """Walk the whole audit log and report the first event that is not as it was written."""
    return audit_chain.verify(audit_chain.rows_in_order(AuditEvent.objects.all()), audit_chain.chain_key())
