from django.contrib import admin

from smartcrm.core.admin import AuditedModelAdmin
from smartcrm.modelregistry.models import ModelVersion


@admin.register(ModelVersion)
class ModelVersionAdmin(AuditedModelAdmin):
    list_display = ("kind", "version", "is_active", "trained_as_of", "engine", "created_at")
    list_filter = ("kind", "is_active")
    readonly_fields = [f.name for f in ModelVersion._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
