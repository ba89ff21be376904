from django.contrib import admin

from smartcrm.core.admin import AuditedModelAdmin
from smartcrm.feedback.models import Review, SurveyResponse


@admin.register(Review)
class ReviewAdmin(AuditedModelAdmin):
    list_display = ("product", "customer", "rating", "language", "status", "created_at")
    list_filter = ("rating", "language", "status")
    raw_id_fields = ("customer", "product", "order")


@admin.register(SurveyResponse)
class SurveyResponseAdmin(AuditedModelAdmin):
    list_display = ("survey", "customer", "score", "created_at")
    raw_id_fields = ("customer",)
