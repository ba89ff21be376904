"""Admin for the audit trail (read-only) and the mixin that audits every admin write.

Django's admin calls ``log_addition``, ``log_change`` and ``log_deletions`` for every write it
makes: the change form, list editing, the user's password form, the delete page and the bulk
``delete_selected`` action. The mixin records an audit event in each, so every ModelAdmin that
uses it (all of smartcrm's; a test checks) leaves no admin write unaudited. Only field and
model names are recorded, never values or object names, which can be personal data.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from smartcrm.core import audit
from smartcrm.core.actors import actor_of
from smartcrm.core.audit import AuditAction
from smartcrm.core.models import AuditEvent


def change_summary(message: Any) -> dict[str, Any]:
    """What the admin's change message says changed, without the objects' names."""
    if not isinstance(message, list):
        return {}
    fields: list[str] = []
    related: list[dict[str, Any]] = []
    for part in message:
        for kind, detail in part.items():
            if "name" in detail:  # an inline object added, changed or deleted
                related.append({kind: detail["name"], "fields": detail.get("fields", [])})
            else:
                fields += detail.get("fields", [])
    return {k: v for k, v in (("fields", fields), ("related", related)) if v}


class AuditedAdminMixin:
    """Records every admin add, change and delete in the audit trail, with the acting user.

    ``pii_fields`` names the fields whose clear values the change form shows: opening the form
    of an object with any of them set is an unmasked read, audited as ``view_pii``.
    """

    pii_fields: frozenset[str] = frozenset()

    def log_addition(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)  # type: ignore[misc]
        audit.record(
            actor_of(request.user), AuditAction.CREATE_IN_ADMIN, obj, changes=change_summary(message)
        )
        return entry

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        entry = super().log_change(request, obj, message)  # type: ignore[misc]
        audit.record(
            actor_of(request.user), AuditAction.UPDATE_IN_ADMIN, obj, changes=change_summary(message)
        )
        return entry

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        actor = audit.actor_fields(actor_of(request.user))
        AuditEvent.objects.bulk_create(
            AuditEvent(
                action=AuditAction.DELETE_IN_ADMIN,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                **actor,
            )
            for obj in queryset
        )
        return super().log_deletions(request, queryset)  # type: ignore[misc]

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> Any:
        if obj is not None and any(getattr(obj, name, "") for name in self.pii_fields):
            audit.record(actor_of(request.user), AuditAction.VIEW_PII, obj, changes={"via": "admin"})
        return super().render_change_form(request, context, add, change, form_url, obj)  # type: ignore[misc]


class AuditedModelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """A ModelAdmin whose writes are audited (see ``AuditedAdminMixin``)."""


@admin.register(AuditEvent)
class AuditEventAdmin(AuditedModelAdmin):
    list_display = ("seq", "at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("actor_label", "object_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
