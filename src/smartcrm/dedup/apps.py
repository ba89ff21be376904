from django.apps import AppConfig


class DedupConfig(AppConfig):
    name = "smartcrm.dedup"
    label = "dedup"
    verbose_name = "Duplicates"

    def ready(self) -> None:
        # The services start jobs; the tasks that do them are connected here (tasks → services only).
        from smartcrm.dedup import jobs, tasks

        jobs.find_duplicates.connect(tasks.find_duplicates_task.delay)
        jobs.check_customers.connect(tasks.check_customers_task.delay)
