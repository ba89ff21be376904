"""Background work of the accounts: the password-reset mail."""

from __future__ import annotations

from celery import Task

from smartcrm.accounts import password_reset
from smartcrm.core.tasks import smartcrm_task


@smartcrm_task(name="smartcrm.accounts.send_password_reset")
def send_password_reset(self: Task, user_id: int) -> bool:
    return password_reset.send_reset_email(user_id)
