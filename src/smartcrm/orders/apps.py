from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "smartcrm.orders"
    label = "orders"
    verbose_name = "Orders"
