from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "smartcrm.api"
    label = "api"
    verbose_name = "REST API"
