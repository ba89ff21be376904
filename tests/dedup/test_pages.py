"""The review queue, the merge history and the data-quality page, as a browser gets them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from smartcrm.accounts.roles import Role
from smartcrm.core.models import AuditAction, AuditEvent
from smartcrm.customers.models import Customer
from smartcrm.dedup.models import DuplicatePair, Merge, MergeState, PairState
from tests import factories
from tests.dedup.conftest import Twins


@pytest.fixture
def pair(twins: Twins) -> DuplicatePair:
    s, m = twins.survivor, twins.merged
    return DuplicatePair.objects.create(
        left_id=min(s.pk, m.pk), right_id=max(s.pk, m.pk), probability=0.91, found_at=s.created_at,
        evidence={"email": {"level": "similar mailbox", "weight": -2.7},
                  "phone": {"level": "missing", "weight": -0.6},
                  "first_name": {"level": "same", "weight": 2.2}},
    )  # fmt: skip


def test_queue_shows_both_sides_with_evidence_then_merge_and_undo(
    client_for: Callable[[Role], Client], pair: DuplicatePair, twins: Twins
) -> None:
    client = client_for(Role.ADMIN)
    page = client.get(reverse("web:duplicates"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "ROBERT MILLER" in html and "Robert Miller" in html
    assert "similar mailbox" in html and "-2.70" in html
    assert "r.miller@gmail.com" in html  # admins may see PII (and the read is audited)
    assert AuditEvent.objects.filter(action="view_pii", object_id=str(twins.merged.pk)).exists()

    response = client.post(reverse("web:duplicate_merge", args=[pair.pk]), {"survivor_id": twins.survivor.pk})
    assert response.status_code == 302
    assert not Customer.objects.filter(pk=twins.merged.pk).exists()
    merge = Merge.objects.get()
    history = client.get(reverse("web:merge_history")).content.decode()
    assert f"#{twins.merged.pk}" in history and "Undo" in history

    client.post(reverse("web:merge_undo", args=[merge.pk]), {"next": "history"})
    merge.refresh_from_db()
    assert merge.state == MergeState.UNDONE
    assert Customer.objects.filter(pk=twins.merged.pk).exists()
    pair.refresh_from_db()
    assert pair.state == PairState.PENDING


def test_reject_from_the_queue(client_for: Callable[[Role], Client], pair: DuplicatePair) -> None:
    client = client_for(Role.MANAGER)
    client.post(reverse("web:duplicate_reject", args=[pair.pk]))
    pair.refresh_from_db()
    assert pair.state == PairState.REJECTED
    assert "No duplicates waiting" in client.get(reverse("web:duplicates")).content.decode()


def test_customer_text_is_escaped(
    client_for: Callable[[Role], Client], twins: Twins, pair: DuplicatePair
) -> None:
    Customer.objects.filter(pk=twins.merged.pk).update(name="<script>alert(1)</script>")
    html = client_for(Role.ADMIN).get(reverse("web:duplicates")).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("role", [Role.SALES, Role.SUPPORT, Role.MARKETING, Role.ANALYST])
def test_roles_without_merge_customers_get_403(
    client_for: Callable[[Role], Client], role: Role, pair: DuplicatePair
) -> None:
    client = client_for(role)
    assert client.get(reverse("web:duplicates")).status_code == 403
    assert client.post(reverse("web:duplicate_merge", args=[pair.pk])).status_code == 403
    assert client.post(reverse("web:data_quality_fix", args=["lower_emails"])).status_code == 403
    pair.refresh_from_db()
    assert pair.state == PairState.PENDING


def test_data_quality_page_masks_and_fixes(client_for: Callable[[Role], Client], db: Any) -> None:
    shouty = factories.CustomerFactory(first_name="JOHN", last_name="  doe ", email="John.Doe@Example.com ")
    analyst = client_for(Role.ANALYST).get(reverse("web:data_quality")).content.decode()
    assert "not lower case" in analyst and "John.Doe@Example.com" not in analyst  # masked: J•••@…
    assert "Bulk fixes" not in analyst

    admin = client_for(Role.ADMIN)
    preview = admin.get(reverse("web:data_quality") + "?preview=trim_names").content.decode()
    assert "would change <strong>1</strong> customer" in preview
    admin.post(reverse("web:data_quality_fix", args=["trim_names"]))
    admin.post(reverse("web:data_quality_fix", args=["title_case_names"]))
    admin.post(reverse("web:data_quality_fix", args=["lower_emails"]))
    shouty.refresh_from_db()
    assert (shouty.first_name, shouty.last_name, shouty.name) == ("John", "Doe", "John Doe")
    assert shouty.email == "john.doe@example.com"
    assert AuditEvent.objects.filter(action=AuditAction.FIX_DATA, object_id=str(shouty.pk)).count() == 3
    assert admin.post(reverse("web:data_quality_fix", args=["drop_tables"])).status_code == 302
