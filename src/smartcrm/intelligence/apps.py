from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "smartcrm.intelligence"
    label = "intelligence"
    verbose_name = "Intelligence"

    def ready(self) -> None:
        from smartcrm.core import recovery

        recovery.register("training", "smartcrm.intelligence.recovery.recover_stale")
