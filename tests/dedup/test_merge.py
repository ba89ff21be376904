"""Merging two customers and undoing it: every related row moves there and back."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from smartcrm.core.errors import ServiceValidationError
from smartcrm.core.models import AuditAction, AuditEvent
from smartcrm.customers.models import Consent, Customer
from smartcrm.dedup import merging, services
from smartcrm.dedup.models import DuplicatePair, MergeState, PairState
from smartcrm.intelligence.models import CustomerScore
from tests.dedup.conftest import Twins


def rows_by_customer(*ids: int) -> dict[str, dict[int, set[int]]]:
    """For every table pointing at customers: the row ids each customer owns."""
    out: dict[str, dict[int, set[int]]] = {}
    for label, model, field in merging._relations():
        out[label] = {cid: set(model._default_manager.filter(**{field: cid}).values_list("pk", flat=True))
                      for cid in ids}  # fmt: skip
    out["customers.consent"] = {
        cid: set(Consent.objects.filter(customer_id=cid).values_list("pk", flat=True)) for cid in ids
    }
    return out


def test_merge_moves_every_row_and_undo_moves_them_back(twins: Twins, admin_user: Any) -> None:
    s, m = twins.survivor, twins.merged
    before = rows_by_customer(s.pk, m.pk)
    tables_with_rows = {label for label, owners in before.items() if owners[m.pk]}
    assert {"orders.order", "support.ticket", "feedback.review", "feedback.surveyresponse", "customers.note",
            "activities.activity", "activities.task", "pipeline.deal", "pipeline.lead",
            "customers.externalid"} <= tables_with_rows  # fmt: skip
    totals_before = {c.pk: (c.orders_count, c.total_spent) for c in (s, m)}

    merge = merging.merge_customers(actor=admin_user, survivor_id=s.pk, merged_id=m.pk)

    assert not Customer.objects.filter(pk=m.pk).exists()
    after = rows_by_customer(s.pk, m.pk)
    for label, owners in before.items():
        if label == "customers.consent":
            continue
        expected = owners[s.pk] | owners[m.pk]
        if label == "activities.activity":
            assert expected <= after[label][s.pk]  # plus the "merged" entry on the timeline
        else:
            assert after[label][s.pk] == expected, label
        assert after[label][m.pk] == set()
    survivor = Customer.objects.get(pk=s.pk)
    assert survivor.orders_count == totals_before[s.pk][0] + totals_before[m.pk][0]
    assert survivor.total_spent == totals_before[s.pk][1] + totals_before[m.pk][1]
    # Best value per field: a well-formed name, the newer address and phone; the consented email.
    assert (survivor.first_name, survivor.last_name) == ("Robert", "Miller")
    assert survivor.street_address == "17 Oak Avenue, Apt 5" and survivor.postal_code == "10002"
    assert survivor.phone == "+12125550123"
    assert survivor.email == "rmiller@gmail.com"
    assert merge.choices["email"] == {"kept": "survivor", "rule": "opted in to email"}
    assert survivor.created_at == s.created_at
    assert "ext-m" in survivor.search_text
    # Consents: the newer withdrawal wins on email; sms moves over.
    consents = {c.channel: c.status for c in Consent.objects.filter(customer=survivor)}
    assert consents == {"email": "withdrawn", "sms": "granted"}
    assert set(survivor.tags.values_list("name", flat=True)) == {"vip", "newsletter"}
    assert AuditEvent.objects.filter(action="merge", object_id=str(s.pk), actor=admin_user).exists()
    assert AuditEvent.objects.filter(action=AuditAction.MERGE_INTO, object_id=str(m.pk)).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT snapshot FROM dedup_merge WHERE id = %s", [merge.pk])
        stored = cursor.fetchone()[0]
    assert "r.miller@" in merge.snapshot and "@" not in stored and '"merged"' not in stored  # encrypted

    services.undo_merge(actor=admin_user, merge_id=merge.pk)

    restored = Customer.objects.get(pk=m.pk)
    survivor = Customer.objects.get(pk=s.pk)
    back = rows_by_customer(s.pk, m.pk)
    for label, owners in before.items():
        if label == "activities.activity":
            assert owners[m.pk] <= back[label][m.pk] and owners[s.pk] <= back[label][s.pk]
            continue
        if label == "customers.consent":
            continue
        assert back[label] == owners, label
    for name in ("first_name", "last_name", "email", "email_hash", "phone", "phone_hash", "street_address",
                 "postal_code", "created_at", "name"):  # fmt: skip
        assert getattr(restored, name) == getattr(m, name), name
        assert getattr(survivor, name) == getattr(s, name), name
    assert (restored.orders_count, restored.total_spent) == totals_before[m.pk]
    assert (survivor.orders_count, survivor.total_spent) == totals_before[s.pk]
    assert {c.channel: c.status for c in Consent.objects.filter(customer=restored)} == {
        "email": "withdrawn",
        "sms": "granted",
    }
    assert {c.channel: c.status for c in Consent.objects.filter(customer=survivor)} == {"email": "granted"}
    assert set(restored.tags.values_list("name", flat=True)) == {"vip", "newsletter"}
    assert set(survivor.tags.values_list("name", flat=True)) == {"vip"}
    merge.refresh_from_db()
    assert merge.state == MergeState.UNDONE
    assert AuditEvent.objects.filter(action="undo_merge", object_id=str(s.pk)).exists()
    with pytest.raises(ServiceValidationError, match="already been undone"):
        services.undo_merge(actor=admin_user, merge_id=merge.pk)


def test_merge_pair_closes_it_and_obsoletes_the_others_until_undo(twins: Twins, admin_user: Any) -> None:
    s, m = twins.survivor, twins.merged
    third = Customer.objects.exclude(pk__in=[s.pk, m.pk]).first() or s
    pair = DuplicatePair.objects.create(left_id=min(s.pk, m.pk), right_id=max(s.pk, m.pk), probability=0.9,
                                        found_at=s.created_at)  # fmt: skip
    other = DuplicatePair.objects.create(
        left_id=m.pk, right_id=m.pk + 1000, probability=0.5, found_at=s.created_at
    )
    CustomerScore.objects.create(customer=m, as_of=s.created_at.date(), scored_at=s.created_at)

    merge = services.merge_pair(actor=admin_user, pair_id=pair.pk)

    assert merge.survivor_id == s.pk  # more orders survives
    pair.refresh_from_db()
    other.refresh_from_db()
    assert pair.state == PairState.MERGED and pair.decided_by == admin_user
    assert other.state == PairState.OBSOLETE and other.obsoleted_by == merge
    assert not CustomerScore.objects.filter(customer_id=m.pk).exists()
    with pytest.raises(ServiceValidationError, match="not pending"):
        services.merge_pair(actor=admin_user, pair_id=pair.pk)

    services.undo_merge(actor=admin_user, merge_id=merge.pk)
    pair.refresh_from_db()
    other.refresh_from_db()
    assert pair.state == other.state == PairState.PENDING
    assert third is not None


def test_user_choices_override_the_rules(twins: Twins, admin_user: Any) -> None:
    s, m = twins.survivor, twins.merged
    merge = merging.merge_customers(
        actor=admin_user, survivor_id=s.pk, merged_id=m.pk, choices={"address": "survivor", "email": "merged"}
    )
    survivor = Customer.objects.get(pk=s.pk)
    assert survivor.street_address == "4 Elm St"
    assert survivor.email == "r.miller@gmail.com"
    assert merge.choices["address"] == {"kept": "survivor", "rule": "chosen"}


@pytest.mark.parametrize(
    ("choices", "field"),
    [({"shoe_size": "merged"}, "choices.shoe_size"), ({"email": "both"}, "choices.email")],
)
def test_bad_choices_are_refused_per_field(
    twins: Twins, admin_user: Any, choices: dict[str, str], field: str
) -> None:
    with pytest.raises(ServiceValidationError) as caught:
        merging.merge_customers(actor=admin_user, survivor_id=twins.survivor.pk, merged_id=twins.merged.pk,
                                choices=choices)  # fmt: skip
    assert field in caught.value.errors
    assert Customer.objects.filter(pk=twins.merged.pk).exists()


def test_a_customer_is_not_merged_into_itself(twins: Twins, admin_user: Any) -> None:
    with pytest.raises(ServiceValidationError):
        merging.merge_customers(actor=admin_user, survivor_id=twins.survivor.pk, merged_id=twins.survivor.pk)


def test_undo_waits_for_a_later_merge_of_the_survivor(twins: Twins, admin_user: Any) -> None:
    s, m = twins.survivor, twins.merged
    first = merging.merge_customers(actor=admin_user, survivor_id=s.pk, merged_id=m.pk)
    from tests import factories

    third = factories.CustomerFactory()
    second = merging.merge_customers(actor=admin_user, survivor_id=third.pk, merged_id=s.pk)
    with pytest.raises(ServiceValidationError, match="later merge"):
        services.undo_merge(actor=admin_user, merge_id=first.pk)
    services.undo_merge(actor=admin_user, merge_id=second.pk)
    services.undo_merge(actor=admin_user, merge_id=first.pk)
    assert Customer.objects.filter(pk__in=[s.pk, m.pk, third.pk]).count() == 3


def test_reject_pair_is_audited(twins: Twins, admin_user: Any) -> None:
    pair = DuplicatePair.objects.create(left_id=min(twins.survivor.pk, twins.merged.pk),
                                        right_id=max(twins.survivor.pk, twins.merged.pk), probability=0.3,
                                        found_at=twins.survivor.created_at)  # fmt: skip
    services.reject_pair(actor=admin_user, pair_id=pair.pk)
    pair.refresh_from_db()
    assert pair.state == PairState.REJECTED
    assert AuditEvent.objects.filter(action="reject_duplicate", object_id=str(pair.pk)).exists()
