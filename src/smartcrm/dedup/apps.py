from django.apps import AppConfig


class DedupConfig(AppConfig):
    name = "smartcrm.dedup"
    label = "dedup"
    verbose_name = "Duplicates"
