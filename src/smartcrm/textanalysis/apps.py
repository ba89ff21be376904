from django.apps import AppConfig


class TextAnalysisConfig(AppConfig):
    name = "smartcrm.textanalysis"
    label = "textanalysis"
    verbose_name = "Text analysis"

    def ready(self) -> None:
        from smartcrm.textanalysis import signals  # noqa: F401 - connects the receivers
