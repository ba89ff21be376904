from django.contrib import admin

from smartcrm.core.admin import AuditedModelAdmin
from smartcrm.pipeline.models import Deal, Lead, Stage


@admin.register(Stage)
class StageAdmin(AuditedModelAdmin):
    list_display = ("name", "position", "probability", "is_won", "is_lost")


@admin.register(Lead)
class LeadAdmin(AuditedModelAdmin):
    list_display = ("company_name", "contact_name", "status", "owner", "created_at")
    exclude = ("email_hash",)
    pii_fields = frozenset({"email"})
    raw_id_fields = ("customer",)


@admin.register(Deal)
class DealAdmin(AuditedModelAdmin):
    list_display = ("title", "stage", "value", "owner", "expected_close")
    list_filter = ("stage",)
    raw_id_fields = ("customer", "lead")
