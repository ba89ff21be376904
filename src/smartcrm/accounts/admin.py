from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from smartcrm.accounts.models import ApiToken, User


@admin.register(User)
class SmartcrmUserAdmin(UserAdmin):
    list_display = ("username", "email", "role", "is_active", "last_login")
    list_filter = ("role", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("Role", {"fields": ("role",)}))  # type: ignore[misc]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: tokens are created (shown once) and revoked (audited) on /account/ and
    /account/tokens/all/, or with `smartcrm create_api_token`."""

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
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
