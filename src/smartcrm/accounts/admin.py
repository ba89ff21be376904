"""Staff accounts, groups and API tokens in the admin; every write audited (``AuditedAdminMixin``).

A role change and a token revocation are also recorded as their own events (``change_role``,
``revoke_api_token``), with the roles before and after, so they can be found without reading
every admin edit.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest

from smartcrm.accounts import services
from smartcrm.accounts.models import ApiToken, User
from smartcrm.core import audit
from smartcrm.core.actors import actor_of
from smartcrm.core.admin import AuditedAdminMixin, AuditedModelAdmin
from smartcrm.core.audit import AuditAction


@admin.register(User)
class SmartcrmUserAdmin(AuditedAdminMixin, UserAdmin):
    list_display = ("username", "email", "role", "is_active", "last_login")
    list_filter = ("role", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("Role", {"fields": ("role",)}))  # type: ignore[misc]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "role" in form.changed_data:
            changes = {"role": {"from": form.initial.get("role"), "to": obj.role}}
            audit.record(actor_of(request.user), AuditAction.CHANGE_ROLE, obj, changes=changes)


admin.site.unregister(Group)


@admin.register(Group)
class SmartcrmGroupAdmin(AuditedAdminMixin, GroupAdmin):
    pass


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "key_hash", "prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the raw value must be shown once: `smartcrm create_api_token USER NAME`

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        done = sum(services.revoke_api_token(actor=actor_of(request.user), token=t) for t in queryset)
        messages.info(request, f"{done} token(s) revoked.")
