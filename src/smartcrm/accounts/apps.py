from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "smartcrm.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from smartcrm.accounts import jobs
        from smartcrm.accounts.sessions import on_user_logged_in

        jobs.send_password_reset.connect_task("smartcrm.accounts.tasks.send_password_reset")
        user_logged_in.connect(on_user_logged_in, dispatch_uid="smartcrm.accounts.stamp_session")
