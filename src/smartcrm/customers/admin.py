from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from smartcrm.core.admin import AuditedModelAdmin
from smartcrm.customers import events
from smartcrm.customers.models import PII_FIELDS, Consent, Customer, ExternalId, Note, Tag


class ExternalIdInline(admin.TabularInline):
    model = ExternalId
    extra = 0


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0


@admin.register(Customer)
class CustomerAdmin(AuditedModelAdmin):
    list_display = (
        "name",
        "kind",
        "city",
        "country",
        "source",
        "orders_count",
        "total_spent",
        "last_order_at",
    )
    list_filter = ("kind", "source", "country")
    search_fields = ("search_text",)
    show_full_result_count = False
    exclude = ("email_hash", "phone_hash")
    readonly_fields = ("orders_count", "total_spent", "first_order_at", "last_order_at")
    inlines = [ExternalIdInline, ConsentInline]
    pii_fields = PII_FIELDS

    def save_model(self, request: HttpRequest, obj: Customer, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        (events.customer_updated if change else events.customer_created)(obj)


admin.site.register(Tag, AuditedModelAdmin)
admin.site.register(Note, AuditedModelAdmin)
