from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "smartcrm.intelligence"
    label = "intelligence"
    verbose_name = "Intelligence"
