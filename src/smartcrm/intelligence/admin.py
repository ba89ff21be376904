from django.contrib import admin

from smartcrm.intelligence.models import CustomerScore, ModelVersion


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ("kind", "version", "is_active", "trained_as_of", "engine", "created_at")
    list_filter = ("kind", "is_active")
    readonly_fields = [f.name for f in ModelVersion._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(CustomerScore)
class CustomerScoreAdmin(admin.ModelAdmin):
    list_display = ("customer", "segment", "clv_12m", "churn_risk", "propensity_30d", "scored_at")
    list_filter = ("segment",)
    raw_id_fields = ("customer",)
    show_full_result_count = False
