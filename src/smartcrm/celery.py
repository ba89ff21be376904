"""The Celery application: Redis in production; inline (eager) in the embedded default."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcrm.settings")

app = Celery("smartcrm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
