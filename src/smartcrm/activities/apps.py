from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "smartcrm.activities"
    label = "activities"
    verbose_name = "Activities"
