"""``smartcrm rotate_keys``: re-encrypt all PII under the first key of SMARTCRM_FIELD_KEYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from smartcrm.core import audit
from smartcrm.core.audit import AuditAction
from smartcrm.core.pii import keyring
from smartcrm.core.rotation import encrypted_columns, rotate_model


class Command(BaseCommand):
    help = "Re-encrypt PII columns with the active key (the first in SMARTCRM_FIELD_KEYS)."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for model, fields in encrypted_columns():
            with tqdm(desc=model._meta.label, unit="rows", disable=None) as bar:
                total += rotate_model(model, fields, on_batch=bar.update)
        audit.record(
            "cli:rotate_keys",
            AuditAction.ROTATE_KEYS,
            object_type="core.keys",
            changes={"rows": total, "active_key": keyring().active_id},
        )
        self.stdout.write(f"Re-encrypted {total} row(s) under key {keyring().active_id!r}.")
