"""Admin for the audit trail (read-only) and a base class that audits admin edits."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from smartcrm.core import audit
from smartcrm.core.actors import actor_of
from smartcrm.core.audit import AuditAction
from smartcrm.core.models import AuditEvent


class AuditedModelAdmin(admin.ModelAdmin):
    """Records every admin save and delete in the audit trail, with the acting user."""

    sensitive_fields: frozenset[str] = frozenset()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        changed = dict.fromkeys(form.changed_data if form else [], "changed")
        action = AuditAction.UPDATE_IN_ADMIN if change else AuditAction.CREATE_IN_ADMIN
        audit.record(actor_of(request.user), action, obj, changes=changed)

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        audit.record(actor_of(request.user), AuditAction.DELETE_IN_ADMIN, obj)
        super().delete_model(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("actor_label", "object_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
