from django.contrib import admin

from smartcrm.core.admin import AuditedModelAdmin
from smartcrm.imports.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(AuditedModelAdmin):
    list_display = (
        "kind",
        "file_name",
        "status",
        "progress",
        "started_at",
        "rows_total",
        "rows_created",
        "rows_updated",
        "rows_unchanged",
        "rows_failed",
    )
    list_filter = ("kind", "status")
