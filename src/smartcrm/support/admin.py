from django.contrib import admin

from smartcrm.core.admin import AuditedModelAdmin
from smartcrm.support.models import Ticket, TicketMessage


class MessageInline(admin.StackedInline):
    model = TicketMessage
    extra = 0


@admin.register(Ticket)
class TicketAdmin(AuditedModelAdmin):
    list_display = ("subject", "customer", "status", "priority", "channel", "last_message_at")
    list_filter = ("status", "priority", "channel")
    raw_id_fields = ("customer", "order")
    inlines = [MessageInline]
