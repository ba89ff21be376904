from django.apps import AppConfig


class TextAnalysisConfig(AppConfig):
    name = "smartcrm.textanalysis"
    label = "textanalysis"
    verbose_name = "Text analysis"

    def ready(self) -> None:
        # The event handlers start jobs; the task that does them is connected here, so that
        # ``tasks`` → ``services`` is the only way those modules depend on each other.
        from smartcrm.textanalysis import jobs

        jobs.analyse_texts.connect_task("smartcrm.textanalysis.tasks.analyse_texts_task")
