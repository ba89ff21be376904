from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "smartcrm.demo"
    label = "demo"
    verbose_name = "Demo and operations"
