from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "smartcrm.knowledge"
    label = "knowledge"
    verbose_name = "Knowledge base"
