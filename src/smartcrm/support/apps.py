from django.apps import AppConfig
from django.conf import settings


class SupportConfig(AppConfig):
    name = "smartcrm.support"
    label = "support"
    verbose_name = "Support"

    def ready(self) -> None:
        from smartcrm.core import background, recovery
        from smartcrm.support import jobs

        # The services start jobs; the tasks that do them are connected here (tasks → services only).
        jobs.recompute_due_times.connect_task("smartcrm.support.tasks.recompute_due_times")
        recovery.register("sla-recompute", "smartcrm.support.recompute.recover_stale")

        # Celery beat runs it with a broker (settings.CELERY_BEAT_SCHEDULE).
        background.register_periodic(
            "sla-breaches",
            "smartcrm.support.sla.check_breaches",
            every=float(settings.SMARTCRM_SLA_CHECK_SECONDS),
        )
