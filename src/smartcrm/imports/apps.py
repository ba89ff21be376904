from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "smartcrm.imports"
    label = "imports"
    verbose_name = "Imports"
