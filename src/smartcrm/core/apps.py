from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "smartcrm.core"
    label = "core"
    verbose_name = "Core"
