from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "smartcrm.customers"
    label = "customers"
    verbose_name = "Customers"
