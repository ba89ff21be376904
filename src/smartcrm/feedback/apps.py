from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "smartcrm.feedback"
    label = "feedback"
    verbose_name = "Feedback"
