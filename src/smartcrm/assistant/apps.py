from django.apps import AppConfig


class AssistantConfig(AppConfig):
    name = "smartcrm.assistant"
    label = "assistant"
    verbose_name = "Customer-service assistant"

    def ready(self) -> None:
        from smartcrm.assistant import jobs

        # The channels start jobs; the tasks that do them are connected here (tasks → channels only).
        jobs.deliver_message.connect_task("smartcrm.assistant.tasks.deliver_message")
        jobs.email_ticket_opened.connect_task("smartcrm.assistant.tasks.email_ticket_opened")
