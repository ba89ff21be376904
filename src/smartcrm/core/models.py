"""The audit trail: who did what to which record, and when."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    """What an audit event records, one member per kind of write or read.

    One naming style: a snake_case verb, then what it acts on when the object type does not
    say it already (``create``, ``add_note``, ``activate_model``). ``object_type`` on the event
    names the record, so a plain verb is enough for the common writes. Older free-text
    names are mapped to these by migration ``core 0002``.
    """

    # Common writes on any record (the event's object_type says which).
    CREATE = "create", "Create"
    UPDATE = "update", "Update"
    DELETE = "delete", "Delete"
    DEACTIVATE = "deactivate", "Deactivate"
    CREATE_IN_ADMIN = "create_in_admin", "Create in the admin"
    UPDATE_IN_ADMIN = "update_in_admin", "Update in the admin"
    DELETE_IN_ADMIN = "delete_in_admin", "Delete in the admin"
    # Customers, activities, reviews, deals, tickets, orders.
    ADD_NOTE = "add_note", "Add a note"
    SET_CONSENT = "set_consent", "Set consent"
    SET_TAGS = "set_tags", "Set tags"
    VIEW_PII = "view_pii", "View unmasked PII"
    COMPLETE = "complete", "Complete"
    MODERATE = "moderate", "Moderate"
    MOVE = "move", "Move"
    OPEN = "open", "Open"
    REPLY = "reply", "Reply"
    ADD_CUSTOMER_MESSAGE = "add_customer_message", "Add a customer message"
    REFUND = "refund", "Refund"
    RETURN = "return", "Return"
    # Exports and imports.
    EXPORT = "export", "Export"
    IMPORT = "import", "Import"
    UPLOAD = "upload", "Upload"
    START = "start", "Start"
    CANCEL = "cancel", "Cancel"
    RESUME = "resume", "Resume"
    # De-duplication and data quality.
    MERGE = "merge", "Merge"
    MERGE_INTO = "merge_into", "Merge into another customer"
    UNDO_MERGE = "undo_merge", "Undo a merge"
    RESTORE_MERGED = "restore_merged", "Restore a merged customer"
    START_DEDUP_RUN = "start_dedup_run", "Start a de-duplication run"
    REJECT_DUPLICATE = "reject_duplicate", "Reject a duplicate"
    FIX_DATA = "fix_data", "Fix data"
    RUN_DATA_FIX = "run_data_fix", "Run a data fix"
    # Integrations.
    LINK_EXTERNAL_ID = "link_external_id", "Link an external id"
    REPLAY = "replay", "Replay a delivery"
    REDELIVER = "redeliver", "Redeliver"
    ROTATE_SECRET = "rotate_secret", "Rotate a secret"
    # Models and insights.
    REGISTER_MODEL = "register_model", "Register a model"
    ACTIVATE_MODEL = "activate_model", "Activate a model"
    DEACTIVATE_MODEL = "deactivate_model", "Deactivate a model"
    DETECT_ALERTS = "detect_alerts", "Detect alerts"
    ACKNOWLEDGE_ALERT = "acknowledge_alert", "Acknowledge an alert"
    RESOLVE_ALERT = "resolve_alert", "Resolve an alert"
    # Accounts and operations.
    CREATE_USER = "create_user", "Create a user"
    CREATE_API_TOKEN = "create_api_token", "Create an API token"
    REVOKE_API_TOKEN = "revoke_api_token", "Revoke an API token"
    LOGIN = "login", "Log in"
    LOGIN_FAILED = "login_failed", "Failed login"
    LOCKOUT = "lockout", "Lock out after failed logins"
    LOGOUT_EVERYWHERE = "logout_everywhere", "Log out everywhere"
    CHANGE_PASSWORD = "change_password", "Change a password"
    RESET_PASSWORD = "reset_password", "Reset a password by email"
    ENABLE_TWO_FACTOR = "enable_two_factor", "Turn on two-factor authentication"
    DISABLE_TWO_FACTOR = "disable_two_factor", "Turn off two-factor authentication"
    USE_RECOVERY_CODE = "use_recovery_code", "Log in with a recovery code"
    NEW_RECOVERY_CODES = "new_recovery_codes", "Make new recovery codes"
    ROTATE_KEYS = "rotate_keys", "Rotate encryption keys"
    GENERATE = "generate", "Generate the demo shop"


class AuditEvent(models.Model):
    """One change, export, erasure or read of unmasked PII.

    Values of PII fields are never stored here, only the names of the fields that changed.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, help_text="Who acted, kept after the user goes")
    action = models.CharField(max_length=40, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id", "-at"])]
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.object_type}#{self.object_id}"
