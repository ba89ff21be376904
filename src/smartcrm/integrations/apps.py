from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "smartcrm.integrations"
    label = "integrations"
    verbose_name = "Shop sync and webhooks"
