from django.contrib import admin

from smartcrm.core.admin import AuditedModelAdmin
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


admin.site.register(Refund, AuditedModelAdmin)
