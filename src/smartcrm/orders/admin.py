from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from smartcrm.core.admin import AuditedModelAdmin
from smartcrm.orders import events
from smartcrm.orders.models import Order, OrderLine, Refund


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    raw_id_fields = ("product",)


@admin.register(Order)
class OrderAdmin(AuditedModelAdmin):
    list_display = ("number", "customer", "status", "channel", "total", "placed_at")
    list_filter = ("status", "channel")
    search_fields = ("number", "external_id")
    raw_id_fields = ("customer",)
    show_full_result_count = False
    inlines = [OrderLineInline]

    def save_model(self, request: HttpRequest, obj: Order, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            events.order_placed(obj)


@admin.register(Refund)
class RefundAdmin(AuditedModelAdmin):
    def save_model(self, request: HttpRequest, obj: Refund, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            events.refund_recorded(obj)
