from django.apps import AppConfig


class ModelRegistryConfig(AppConfig):
    name = "smartcrm.modelregistry"
    label = "modelregistry"
    verbose_name = "Model registry"
    default_auto_field = "django.db.models.BigAutoField"
