"""The audit trail: who did what to which record, and when; append-only and hash-chained."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartcrm.core import audit_chain


class AuditAction(models.TextChoices):
    """What an audit event records, one member per kind of write or read.

    One naming style: a snake_case verb, then what it acts on when the object type does not
    say it already (``create``, ``add_note``, ``activate_model``). ``object_type`` on the event
    names the record, so a plain verb is enough for the common writes. Older free-text
    names are mapped to these by migration ``core 0002``.
    """

    # Common writes on any record (the event's object_type says which).
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    DEACTIVATE = "deactivate", _("Deactivate")
    CREATE_IN_ADMIN = "create_in_admin", _("Create in the admin")
    UPDATE_IN_ADMIN = "update_in_admin", _("Update in the admin")
    DELETE_IN_ADMIN = "delete_in_admin", _("Delete in the admin")
    # Customers, activities, reviews, deals, tickets, orders.
    ADD_NOTE = "add_note", _("Add a note")
    SET_CONSENT = "set_consent", _("Set consent")
    SET_TAGS = "set_tags", _("Set tags")
    VIEW_PII = "view_pii", _("View unmasked PII")
    COMPLETE = "complete", _("Complete")
    MODERATE = "moderate", _("Moderate")
    MOVE = "move", _("Move")
    OPEN = "open", _("Open")
    REPLY = "reply", _("Reply")
    ADD_CUSTOMER_MESSAGE = "add_customer_message", _("Add a customer message")
    REFUND = "refund", _("Refund")
    RETURN = "return", _("Return")
    # Exports and imports.
    EXPORT = "export", _("Export")
    IMPORT = "import", _("Import")
    UPLOAD = "upload", _("Upload")
    START = "start", _("Start")
    CANCEL = "cancel", _("Cancel")
    RESUME = "resume", _("Resume")
    # De-duplication and data quality.
    MERGE = "merge", _("Merge")
    MERGE_INTO = "merge_into", _("Merge into another customer")
    UNDO_MERGE = "undo_merge", _("Undo a merge")
    RESTORE_MERGED = "restore_merged", _("Restore a merged customer")
    START_DEDUP_RUN = "start_dedup_run", _("Start a de-duplication run")
    REJECT_DUPLICATE = "reject_duplicate", _("Reject a duplicate")
    FIX_DATA = "fix_data", _("Fix data")
    RUN_DATA_FIX = "run_data_fix", _("Run a data fix")
    # Integrations.
    LINK_EXTERNAL_ID = "link_external_id", _("Link an external id")
    REPLAY = "replay", _("Replay a delivery")
    REDELIVER = "redeliver", _("Redeliver")
    ROTATE_SECRET = "rotate_secret", _("Rotate a secret")
    # Models and insights.
    REGISTER_MODEL = "register_model", _("Register a model")
    ACTIVATE_MODEL = "activate_model", _("Activate a model")
    DEACTIVATE_MODEL = "deactivate_model", _("Deactivate a model")
    DETECT_ALERTS = "detect_alerts", _("Detect alerts")
    ACKNOWLEDGE_ALERT = "acknowledge_alert", _("Acknowledge an alert")
    RESOLVE_ALERT = "resolve_alert", _("Resolve an alert")
    # Accounts and operations.
    CREATE_USER = "create_user", _("Create a user")
    CREATE_API_TOKEN = "create_api_token", _("Create an API token")
    REVOKE_API_TOKEN = "revoke_api_token", _("Revoke an API token")
    LOGIN = "login", _("Log in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKOUT = "lockout", _("Lock out after failed logins")
    LOGOUT_EVERYWHERE = "logout_everywhere", _("Log out everywhere")
    CHANGE_PASSWORD = "change_password", _("Change a password")
    RESET_PASSWORD = "reset_password", _("Reset a password by email")
    ENABLE_TWO_FACTOR = "enable_two_factor", _("Turn on two-factor authentication")
    DISABLE_TWO_FACTOR = "disable_two_factor", _("Turn off two-factor authentication")
    USE_RECOVERY_CODE = "use_recovery_code", _("Log in with a recovery code")
    NEW_RECOVERY_CODES = "new_recovery_codes", _("Make new recovery codes")
    ROTATE_KEYS = "rotate_keys", _("Rotate encryption keys")
    GENERATE = "generate", _("Generate the demo shop")
    CHANGE_ROLE = "change_role", _("Change a user's role")
    # Privacy.
    EXPORT_PERSONAL_DATA = "export_personal_data", _("Export a customer's personal data")
    ERASE_PERSONAL_DATA = "erase_personal_data", _("Erase a customer's personal data")
    APPLY_RETENTION = "apply_retention", _("Apply retention rules")


class AuditLogIsAppendOnly(Exception):
    """An audit event was about to be changed or deleted: the log only grows."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Refuses updates and deletes; a bulk insert is chained like single ones."""

    def update(self, **kwargs: Any) -> int:
        raise AuditLogIsAppendOnly("audit events cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("audit events cannot be deleted")

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[AuditEvent]:
        objs = list(objs)
        with transaction.atomic(using=self.db):
            audit_chain.lock_head()
            head = self.order_by("-seq").values("seq", "chain_hash").first()
            seq, prev = (head["seq"], head["chain_hash"]) if head else (0, audit_chain.GENESIS)
            key = audit_chain.chain_key()
            for event in objs:
                seq += 1
                prev = event.seal(seq, prev, key)
            return super().bulk_create(objs, *args, **kwargs)


class AuditEvent(models.Model):
    """One change, export, erasure or read of unmasked PII.

    Values of personal-data fields are never stored here, only the names of the fields that
    changed: the log is append-only, so what it holds outlives an erasure. Saving a new event
    appends it to the hash chain (``core.audit_chain``); saving an old one or deleting any raises
    ``AuditLogIsAppendOnly``, and on PostgreSQL a trigger refuses UPDATE and DELETE on the table.
    """

    seq = models.PositiveBigIntegerField(unique=True, editable=False, help_text="Position in the chain")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # No database constraint and no cascade: deleting a user must not rewrite their events.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150, help_text="Who acted, kept after the user goes")
    action = models.CharField(max_length=40, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    chain_hash = models.CharField(max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id", "-at"])]
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditLogIsAppendOnly("audit events cannot be changed")
        with transaction.atomic(using=kwargs.get("using")):
            audit_chain.lock_head()
            head = AuditEvent.objects.order_by("-seq").values("seq", "chain_hash").first()
            seq, prev = (head["seq"], head["chain_hash"]) if head else (0, audit_chain.GENESIS)
            self.seal(seq + 1, prev, audit_chain.chain_key())
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("audit events cannot be deleted")

    def seal(self, seq: int, prev_hash: str, key: bytes) -> str:
        """Put this new event at ``seq`` after ``prev_hash``; returns its own hash."""
        self.seq, self.prev_hash, self.at = seq, prev_hash, timezone.now()
        self.changes = audit_chain.canonical_changes(self.changes)
        values = {name: getattr(self, name) for name in audit_chain.CHAINED_FIELDS}
        self.chain_hash = audit_chain.event_hash(values, prev_hash, key)
        return self.chain_hash
