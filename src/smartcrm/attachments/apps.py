from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "smartcrm.attachments"
    label = "attachments"
    verbose_name = "Attachments"

    def ready(self) -> None:
        from smartcrm.attachments import jobs
        from smartcrm.attachments.engines import register_engines
        from smartcrm.core import recovery

        jobs.process_attachment.connect_task("smartcrm.attachments.tasks.process_attachment_task")
        recovery.register("attachments", "smartcrm.attachments.recovery.recover_stale")
        register_engines()
