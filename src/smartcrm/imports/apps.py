from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "smartcrm.imports"
    label = "imports"
    verbose_name = "Imports"

    def ready(self) -> None:
        # The services start jobs; the tasks that do them are connected here, so that
        # ``tasks`` → ``services`` is the only way the two modules depend on each other.
        from smartcrm.core import recovery
        from smartcrm.imports import jobs

        jobs.run_import.connect_task("smartcrm.imports.tasks.run_import")
        recovery.register("imports", "smartcrm.imports.recovery.recover_stale")
