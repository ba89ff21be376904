from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulkConfig(AppConfig):
    name = "smartcrm.bulk"
    label = "bulk"
    verbose_name = _("Bulk actions")

    def ready(self) -> None:
        from smartcrm.bulk import jobs

        jobs.run_bulk.connect_task("smartcrm.bulk.tasks.run_bulk")
