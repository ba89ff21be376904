from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "smartcrm.web"
    label = "web"
    verbose_name = "Web"
