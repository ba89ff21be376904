from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "smartcrm.privacy"
    label = "privacy"
    verbose_name = "Privacy"
