from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "smartcrm.campaigns"
    label = "campaigns"
    verbose_name = "Campaigns"

    def ready(self) -> None:
        from smartcrm.campaigns import jobs
        from smartcrm.core import recovery

        jobs.send_campaign.connect_task("smartcrm.campaigns.tasks.send_campaign")
        recovery.register("campaigns", "smartcrm.campaigns.recovery.recover_stale")
