from django.apps import AppConfig


class TextAnalysisConfig(AppConfig):
    name = "smartcrm.textanalysis"
    label = "textanalysis"
    verbose_name = "Text analysis"
