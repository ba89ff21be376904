"""Audit actions: one enum, one naming style, and the old free-text names mapped on migrate."""

from __future__ import annotations

import importlib
import re
from typing import Any

from smartcrm.core import audit
from smartcrm.core.models import AuditAction, AuditEvent

rename_migration = importlib.import_module("smartcrm.core.migrations.0002_audit_actions")


def test_every_action_is_a_snake_case_name() -> None:
    for action in AuditAction:
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", action.value), action
        assert len(action.value) <= AuditEvent._meta.get_field("action").max_length  # type: ignore[operator]


def test_the_renamed_names_land_on_enum_values() -> None:
    assert set(rename_migration.RENAMED.values()) <= set(AuditAction.values)
    assert not set(rename_migration.RENAMED) & set(AuditAction.values)


def test_record_stores_the_value(db: Any) -> None:
    assert audit.record(None, AuditAction.MERGE_INTO, object_type="t").action == "merge_into"
    assert AuditEvent.objects.filter(action=AuditAction.MERGE_INTO).count() == 1


def test_the_admin_audit_list_filters_by_action(admin_user: Any, client: Any) -> None:
    audit.record(admin_user, AuditAction.MERGE_INTO, object_type="customers.customer", object_id="7")
    audit.record(admin_user, AuditAction.EXPORT, object_type="exports.customers")
    client.force_login(admin_user)
    page = client.get("/admin/core/auditevent/", {"action": "merge_into"})
    assert page.status_code == 200
    assert page.context["cl"].result_count == 1
    assert "Merge into another customer" in page.content.decode()
