from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "smartcrm.support"
    label = "support"
    verbose_name = "Support"
