from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "smartcrm.intelligence"
    label = "intelligence"
    verbose_name = "Intelligence"

    def ready(self) -> None:
        from smartcrm.core import recovery
        from smartcrm.intelligence import jobs

        recovery.register("training", "smartcrm.intelligence.recovery.recover_stale")
        recovery.register("refresh", "smartcrm.intelligence.refresh_recovery.recover_stale")
        jobs.refresh_train.connect_task("smartcrm.intelligence.tasks.refresh_train")
        jobs.refresh_chunk.connect_task("smartcrm.intelligence.tasks.refresh_chunk")
        jobs.refresh_switch.connect_task("smartcrm.intelligence.tasks.refresh_switch")
