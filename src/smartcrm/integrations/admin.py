"""Admin for shop connections, endpoints and both delivery logs (replay and redeliver actions).

Secrets and payloads are never shown: a secret field is write-only in the forms and the
delivery lists show status, codes and field errors only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from smartcrm.core.actors import actor_of
from smartcrm.core.admin import AuditedModelAdmin
from smartcrm.core.errors import ServiceValidationError
from smartcrm.integrations import inbound, outbound
from smartcrm.integrations.models import (
    InboundDelivery,
    OutboundDelivery,
    ShopConnection,
    WebhookEndpoint,
)


class SecretForm(forms.ModelForm):
    """The secret is typed in, never shown back; left empty on edit, it stays as it was."""

    secret = forms.CharField(widget=forms.PasswordInput(render_value=False), required=False)

    def clean_secret(self) -> str:
        value: str = self.cleaned_data.get("secret") or ""
        if not value and self.instance.pk:
            return str(self.instance.secret)
        if not value:
            raise forms.ValidationError("Enter the secret.")
        return value


class ShopConnectionForm(SecretForm):
    class Meta:
        model = ShopConnection
        fields = [
            "platform",
            "shop_domain",
            "name",
            "secret",
            "default_region",
            "default_currency",
            "is_active",
        ]


@admin.register(ShopConnection)
class ShopConnectionAdmin(AuditedModelAdmin):
    form = ShopConnectionForm
    list_display = (
        "id",
        "platform",
        "shop_domain",
        "name",
        "default_region",
        "default_currency",
        "is_active",
    )
    list_filter = ("platform", "is_active")
    search_fields = ("shop_domain", "name")


class WebhookEndpointForm(SecretForm):
    url = forms.URLField(max_length=500, assume_scheme="https")

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "secret", "event_types", "include_pii", "is_active"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AuditedModelAdmin):
    form = WebhookEndpointForm
    list_display = ("id", "name", "url", "include_pii", "is_active", "created_at")
    list_filter = ("is_active", "include_pii")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        outbound.forget_wanted()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        outbound.forget_wanted()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        outbound.forget_wanted()


@admin.register(InboundDelivery)
class InboundDeliveryAdmin(AuditedModelAdmin):
    list_display = ("id", "connection", "topic", "status", "external_id", "received_at", "attempts")
    list_filter = ("status", "topic", "connection")
    search_fields = ("delivery_id", "external_id")
    exclude = ("payload",)
    readonly_fields = [f.name for f in InboundDelivery._meta.fields if f.name != "payload"]
    actions = ["replay"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Apply again from the stored body")
    def replay(self, request: HttpRequest, queryset: QuerySet[InboundDelivery]) -> None:
        done = 0
        for delivery in queryset:
            try:
                inbound.replay(actor=actor_of(request.user), delivery=delivery)
                done += 1
            except ServiceValidationError as exc:
                messages.error(request, f"Delivery {delivery.pk}: {exc}")
        messages.info(request, f"{done} deliveries queued again.")


@admin.register(OutboundDelivery)
class OutboundDeliveryAdmin(AuditedModelAdmin):
    list_display = (
        "id",
        "endpoint",
        "event_type",
        "status",
        "response_code",
        "duration_ms",
        "attempts",
        "next_retry_at",
        "created_at",
    )
    list_filter = ("status", "endpoint")
    readonly_fields = [f.name for f in OutboundDelivery._meta.fields]
    actions = ["redeliver"]
    list_select_related = ("endpoint", "event")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="event")
    def event_type(self, obj: OutboundDelivery) -> str:
        return obj.event.event_type

    @admin.action(description="Redeliver (as a new delivery)")
    def redeliver(self, request: HttpRequest, queryset: QuerySet[OutboundDelivery]) -> None:
        for delivery in queryset.select_related("endpoint", "event"):
            outbound.redeliver(actor=actor_of(request.user), delivery=delivery)
        messages.info(request, f"{queryset.count()} deliveries queued again.")

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("endpoint", "event")
