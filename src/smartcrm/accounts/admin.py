"""Staff accounts, groups and API tokens in the admin; every write audited (``AuditedAdminMixin``).

A role change and a token revocation are also recorded as their own events (``change_role``,
``revoke_api_token``), with the roles before and after, so they can be found without reading
every admin edit. Tokens are created (shown once) on /account/ or with
``smartcrm create_api_token``; the admin only lists and revokes them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest

from smartcrm.accounts import services, twofactor
from smartcrm.accounts.models import ApiToken, TotpDevice, User
from smartcrm.core import audit
from smartcrm.core.actors import actor_of
from smartcrm.core.admin import AuditedAdminMixin, AuditedModelAdmin
from smartcrm.core.audit import AuditAction


@admin.register(User)
class SmartcrmUserAdmin(AuditedAdminMixin, UserAdmin):
    list_display = ("username", "email", "role", "is_active", "two_factor", "last_login")
    list_filter = ("role", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("Role", {"fields": ("role",)}))  # type: ignore[misc]
    actions = ["turn_off_two_factor", "log_out_everywhere"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        enrolled = TotpDevice.objects.filter(user=OuterRef("pk"), confirmed_at__isnull=False)
        return super().get_queryset(request).annotate(has_two_factor=Exists(enrolled))

    @admin.display(boolean=True, description="Two-factor", ordering="has_two_factor")
    def two_factor(self, user: User) -> bool:
        return bool(getattr(user, "has_two_factor", False))

    @admin.action(description="Turn off two-factor authentication (a lost phone)")
    def turn_off_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            twofactor.disable(user, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, f"Two-factor authentication turned off for {queryset.count()} user(s).")

    @admin.action(description="Log out everywhere and revoke their API tokens")
    def log_out_everywhere(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.log_out_everywhere(user=user, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, f"Every session of {queryset.count()} user(s) ended.")

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
    list_display = ("name", "user", "prefix", "expires_at", "created_at", "last_used_at", "revoked_at")
    readonly_fields = (
        "user",
        "name",
        "key_hash",
        "prefix",
        "scopes",
        "expires_at",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the raw value must be shown once: /account/ or `smartcrm create_api_token`

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # revoke instead: the audit log keeps who used which token

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        done = sum(services.revoke_api_token(actor=actor_of(request.user), token=t) for t in queryset)
        messages.info(request, f"{done} token(s) revoked.")
