from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from smartcrm.core.admin import AuditedModelAdmin
from smartcrm.feedback import events
from smartcrm.feedback.models import Review, SurveyResponse


@admin.register(Review)
class ReviewAdmin(AuditedModelAdmin):
    list_display = ("product", "customer", "rating", "language", "status", "created_at")
    list_filter = ("rating", "language", "status")
    raw_id_fields = ("customer", "product", "order")

    def save_model(self, request: HttpRequest, obj: Review, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        events.review_saved(obj)


@admin.register(SurveyResponse)
class SurveyResponseAdmin(AuditedModelAdmin):
    list_display = ("survey", "customer", "score", "created_at")
    raw_id_fields = ("customer",)

    def save_model(self, request: HttpRequest, obj: SurveyResponse, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        events.survey_response_saved(obj)
