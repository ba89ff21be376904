from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "smartcrm.recommendations"
    label = "recommendations"
    verbose_name = "Recommendations"
