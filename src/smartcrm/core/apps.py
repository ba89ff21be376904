from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "smartcrm.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from smartcrm.core import metrics  # noqa: F401 - connects the task-duration signals
