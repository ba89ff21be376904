from django.apps import AppConfig


class DedupConfig(AppConfig):
    name = "smartcrm.dedup"
    label = "dedup"
    verbose_name = "Duplicates"

    def ready(self) -> None:
        # The services start jobs; the tasks that do them are connected here (tasks → services only).
        from smartcrm.core import recovery
        from smartcrm.dedup import jobs

        recovery.register("dedup", "smartcrm.dedup.recovery.recover_stale")

        jobs.find_duplicates.connect_task("smartcrm.dedup.tasks.find_duplicates_task")
        jobs.check_customers.connect_task("smartcrm.dedup.tasks.check_customers_task")
