"""The audit log becomes append-only and hash-chained.

Existing events first lose the personal values older versions wrote into ``changes`` (a
customer's names and address parts at creation, the from/to of a name change), which would
otherwise outlive an erasure in a log that can no longer be changed; then they are chained in
the order they were written (by id); then, on PostgreSQL, a trigger refuses UPDATE and DELETE.
The hashing repeats ``core.audit_chain`` as it is today (a migration must not change when
the app code does).
"""

import base64
import hashlib
import hmac
import json
from datetime import UTC

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# The customers' personal fields whose values older events recorded (core.audit keeps names only now).
PERSONAL = frozenset(
    {"first_name", "last_name", "company_name", "name", "email", "phone", "street_address", "city", "region"}
    | {"postal_code", "email_hash", "phone_hash", "search_text"}
)
CHAINED = ("seq", "at", "actor_id", "actor_label", "action", "object_type", "object_id", "changes")
BATCH = 2_000


def _scrub(object_type, changes):
    if object_type != "customers.customer" or not isinstance(changes, dict):
        return changes
    return {
        k: ("changed" if k in PERSONAL and v not in ("set", "changed") else v) for k, v in changes.items()
    }


def _hash(values, prev_hash, key):
    content = [values[name] for name in CHAINED]
    content[1] = values["at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    payload = json.dumps([*content, prev_hash], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def scrub_and_chain(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    key = hmac.digest(
        base64.b64decode(settings.SMARTCRM_LOOKUP_KEY), b"smartcrm audit chain v1", hashlib.sha256
    )
    prev, batch = "", []
    for seq, event in enumerate(AuditEvent.objects.order_by("id").iterator(chunk_size=BATCH), start=1):
        event.seq = seq
        event.changes = json.loads(
            json.dumps(_scrub(event.object_type, event.changes or {}), default=str, sort_keys=True)
        )
        event.prev_hash = prev
        event.chain_hash = prev = _hash({n: getattr(event, n) for n in CHAINED}, prev, key)
        batch.append(event)
        if len(batch) == BATCH:
            AuditEvent.objects.bulk_update(batch, ["seq", "changes", "prev_hash", "chain_hash"])
            batch = []
    AuditEvent.objects.bulk_update(batch, ["seq", "changes", "prev_hash", "chain_hash"])


TRIGGER = """
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
"""


def add_trigger(apps, schema_editor):
    """PostgreSQL only; not on TRUNCATE, which the test suite's flush between tests uses."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent")
        schema_editor.execute("DROP FUNCTION IF EXISTS core_auditevent_append_only()")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_actions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="chain_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(
                editable=False, help_text="Position in the chain", null=True
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("create", "Create"),
                    ("update", "Update"),
                    ("delete", "Delete"),
                    ("deactivate", "Deactivate"),
                    ("create_in_admin", "Create in the admin"),
                    ("update_in_admin", "Update in the admin"),
                    ("delete_in_admin", "Delete in the admin"),
                    ("add_note", "Add a note"),
                    ("set_consent", "Set consent"),
                    ("set_tags", "Set tags"),
                    ("view_pii", "View unmasked PII"),
                    ("complete", "Complete"),
                    ("moderate", "Moderate"),
                    ("move", "Move"),
                    ("open", "Open"),
                    ("reply", "Reply"),
                    ("add_customer_message", "Add a customer message"),
                    ("refund", "Refund"),
                    ("return", "Return"),
                    ("export", "Export"),
                    ("import", "Import"),
                    ("upload", "Upload"),
                    ("start", "Start"),
                    ("cancel", "Cancel"),
                    ("resume", "Resume"),
                    ("merge", "Merge"),
                    ("merge_into", "Merge into another customer"),
                    ("undo_merge", "Undo a merge"),
                    ("restore_merged", "Restore a merged customer"),
                    ("start_dedup_run", "Start a de-duplication run"),
                    ("reject_duplicate", "Reject a duplicate"),
                    ("fix_data", "Fix data"),
                    ("run_data_fix", "Run a data fix"),
                    ("link_external_id", "Link an external id"),
                    ("replay", "Replay a delivery"),
                    ("redeliver", "Redeliver"),
                    ("rotate_secret", "Rotate a secret"),
                    ("register_model", "Register a model"),
                    ("activate_model", "Activate a model"),
                    ("deactivate_model", "Deactivate a model"),
                    ("detect_alerts", "Detect alerts"),
                    ("acknowledge_alert", "Acknowledge an alert"),
                    ("resolve_alert", "Resolve an alert"),
                    ("create_user", "Create a user"),
                    ("create_api_token", "Create an API token"),
                    ("rotate_keys", "Rotate encryption keys"),
                    ("generate", "Generate the demo shop"),
                    ("change_role", "Change a user's role"),
                    ("revoke_api_token", "Revoke an API token"),
                    ("export_personal_data", "Export a customer's personal data"),
                    ("erase_personal_data", "Erase a customer's personal data"),
                    ("apply_retention", "Apply retention rules"),
                ],
                max_length=40,
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.RunPython(scrub_and_chain, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(
                editable=False, help_text="Position in the chain", unique=True
            ),
        ),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
