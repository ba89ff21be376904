"""The background work the account services start (connected to ``tasks.py`` in ``apps.py``)."""

from __future__ import annotations

from smartcrm.core.jobs import Job

# Mail a password-reset link to the User with this id.
send_password_reset: Job[[int]] = Job("smartcrm.accounts.send_password_reset")
