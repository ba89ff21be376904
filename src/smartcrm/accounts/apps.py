from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "smartcrm.accounts"
    label = "accounts"
    verbose_name = "Accounts"
