from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "smartcrm.attachments"
    label = "attachments"
    verbose_name = "Attachments"

    def ready(self) -> None:
        from smartcrm.attachments import jobs
        from smartcrm.attachments.engines import register_engines

        jobs.process_attachment.connect_task("smartcrm.attachments.tasks.process_attachment_task")
        register_engines()
