"""Staff users, their roles and API tokens."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest

from smartcrm.accounts import services, twofactor
from smartcrm.accounts.models import ApiToken, TotpDevice, User


@admin.register(User)
class SmartcrmUserAdmin(UserAdmin):
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
