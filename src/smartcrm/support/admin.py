from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from smartcrm.core.admin import AuditedModelAdmin
from smartcrm.support import events
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

    def save_model(self, request: HttpRequest, obj: Ticket, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            events.ticket_opened(obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        for message in getattr(formset, "new_objects", []):
            if isinstance(message, TicketMessage):
                events.ticket_message_added(message)
