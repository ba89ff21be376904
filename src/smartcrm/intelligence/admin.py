from django.contrib import admin

from smartcrm.core.admin import AuditedModelAdmin
from smartcrm.intelligence.models import CustomerScore


@admin.register(CustomerScore)
class CustomerScoreAdmin(AuditedModelAdmin):
    list_display = ("customer", "segment", "clv_12m", "churn_risk", "propensity_30d", "scored_at")
    list_filter = ("segment",)
    raw_id_fields = ("customer",)
    show_full_result_count = False
