from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "smartcrm.integrations"
    label = "integrations"
    verbose_name = "Shop sync and webhooks"

    def ready(self) -> None:
        from smartcrm.core import recovery
        from smartcrm.integrations import jobs

        # The services start jobs; the tasks that do them are connected here (tasks → services only).
        jobs.process_inbound.connect_task("smartcrm.integrations.tasks.process_inbound")
        jobs.deliver_webhook.connect_task("smartcrm.integrations.tasks.deliver_webhook")
        recovery.register("webhooks", "smartcrm.integrations.outbound.recover_stale")
