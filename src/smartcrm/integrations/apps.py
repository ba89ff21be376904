from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "smartcrm.integrations"
    label = "integrations"
    verbose_name = "Shop sync and webhooks"

    def ready(self) -> None:
        from smartcrm.integrations import jobs, tasks

        # The services start jobs; the tasks that do them are connected here (tasks → services only).
        jobs.process_inbound.connect(tasks.process_inbound.delay)
        jobs.deliver_webhook.connect(tasks.deliver_webhook.delay)
