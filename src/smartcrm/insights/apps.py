from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "smartcrm.insights"
    label = "insights"
    verbose_name = "Forecasts and alerts"
    default_auto_field = "django.db.models.BigAutoField"
