from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "smartcrm.catalog"
    label = "catalog"
    verbose_name = "Catalog"
