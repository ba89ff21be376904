from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "smartcrm.automation"
    label = "automation"
    verbose_name = "Workflows"

    def ready(self) -> None:
        from smartcrm.automation import jobs
        from smartcrm.core import recovery

        recovery.register("workflows", "smartcrm.automation.services.recover_stale")

        jobs.execute_run.connect_task("smartcrm.automation.tasks.execute_run")
        jobs.deliver_outbox.connect_task("smartcrm.automation.tasks.deliver_outbox")
