from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "smartcrm.integrations"
    label = "integrations"
    verbose_name = "Shop sync and webhooks"

    def ready(self) -> None:
        from smartcrm.integrations import signals

        signals.connect()
