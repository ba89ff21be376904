from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "smartcrm.pipeline"
    label = "pipeline"
    verbose_name = "Pipeline"
