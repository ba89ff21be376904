from django.apps import AppConfig


class AssistantConfig(AppConfig):
    name = "smartcrm.assistant"
    label = "assistant"
    verbose_name = "Customer-service assistant"
