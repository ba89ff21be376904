from django.contrib import admin

from smartcrm.activities.models import Activity, Task
from smartcrm.core.admin import AuditedModelAdmin


@admin.register(Activity)
class ActivityAdmin(AuditedModelAdmin):
    list_display = ("occurred_at", "customer", "kind", "summary")
    list_filter = ("kind",)
    raw_id_fields = ("customer",)


@admin.register(Task)
class TaskAdmin(AuditedModelAdmin):
    list_display = ("title", "assignee", "due_at", "status")
    list_filter = ("status",)
    raw_id_fields = ("customer", "deal")
