"""Finding duplicates in the database: bulk runs, the import-time check, auto-merge and its undo."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest
from django.core.management import call_command
from django.utils import timezone

from smartcrm.core.pii import hash_for_lookup
from smartcrm.customers.models import Customer
from smartcrm.dedup import services
from smartcrm.dedup.models import DuplicatePair, Merge, PairState, RunState
from smartcrm.engine.dedup.normalise import normalise_phone
from smartcrm.engine.dedup.weights import PATH
from smartcrm.evaluation.dedup_corpus import make_corpus
from smartcrm.evaluation.dedup_weights import fit_shipped


def load(corpus: pd.DataFrame) -> dict[int, int]:
    """Customers from a generated corpus, stored as the services store them; customer id -> entity."""
    entity = {}
    for row in corpus.itertuples():
        email = row.email.strip().lower()
        phone = normalise_phone(row.phone, row.country)
        customer = Customer.objects.create(
            first_name=row.first_name, last_name=row.last_name, name=row.name, email=email,
            email_hash=hash_for_lookup(email) if email else "", phone=phone,
            phone_hash=hash_for_lookup(phone) if phone else "", street_address=row.street_address,
            city=row.city, postal_code=row.postal_code, country=row.country, created_at=timezone.now(),
        )  # fmt: skip
        entity[customer.pk] = int(row.entity_id)
    return entity


@pytest.fixture
def shop(db: Any) -> dict[int, int]:
    return load(make_corpus(customers=150, seed=21))


def test_bulk_run_stores_pairs_with_evidence_and_is_idempotent(shop: dict[int, int], admin_user: Any) -> None:
    run = services.start_run(actor=admin_user)
    run = services.find_duplicates(run_id=run.pk)
    assert run.state == RunState.DONE and run.percent == 100 and run.customers == 150
    pairs = list(DuplicatePair.objects.all())
    assert pairs and all(p.state == PairState.PENDING for p in pairs)
    model = services.deduplicator()
    matched = [p for p in pairs if p.probability >= model.match_threshold_]
    true = [p for p in matched if shop[p.left_id] == shop[p.right_id]]
    assert len(true) >= 0.9 * len(matched)
    truth = sum(1 for a in shop for b in shop if a < b and shop[a] == shop[b])
    assert len(true) >= 0.85 * truth
    evidence = pairs[0].evidence
    assert set(evidence) == {"first_name", "last_name", "email", "phone", "address", "place"}
    assert {"level", "weight"} <= set(evidence["email"])
    assert "@" not in json.dumps([p.evidence for p in pairs])  # evidence names levels, never values

    services.reject_pair(actor=admin_user, pair_id=pairs[0].pk)
    again = services.find_duplicates(run_id=services.start_run(actor=admin_user).pk)
    assert DuplicatePair.objects.count() == len(pairs)
    assert DuplicatePair.objects.get(pk=pairs[0].pk).state == PairState.REJECTED
    assert again.pairs_found == len(pairs) - 1


def test_auto_merge_run_and_undo_restore_the_table(shop: dict[int, int], admin_user: Any) -> None:
    before = set(Customer.objects.values_list("pk", flat=True))
    run = services.find_duplicates(run_id=services.start_run(actor="cli:dedup", auto_merge=True).pk)
    merges = list(Merge.objects.all())
    assert run.auto_merged == len(merges) > 0
    assert all(m.automatic for m in merges)
    assert all(shop[m.survivor_id] == shop[m.merged_id] for m in merges)
    assert Customer.objects.count() == len(before) - len(merges)
    for merge in reversed(merges):
        services.undo_merge(actor=admin_user, merge_id=merge.pk)
    assert set(Customer.objects.values_list("pk", flat=True)) == before


def test_import_time_check_finds_the_variant(db: Any) -> None:
    now = timezone.now()
    first = Customer.objects.create(
        first_name="Katherine", last_name="Olsen", name="Katherine Olsen", email="kath.olsen@gmail.com",
        email_hash=hash_for_lookup("kath.olsen@gmail.com"), phone="+12125550199",
        phone_hash=hash_for_lookup("+12125550199"), postal_code="10001", city="New York", country="US",
        created_at=now,
    )  # fmt: skip
    Customer.objects.create(first_name="Kevin", last_name="Olsen", name="Kevin Olsen", email="kev@yahoo.com",
                            email_hash=hash_for_lookup("kev@yahoo.com"), postal_code="10001", city="New York",
                            country="US", created_at=now)  # fmt: skip
    new = Customer.objects.create(
        first_name="Kate", last_name="Olsen", name="Kate Olsen", email="katholsen+shop@gmail.com",
        email_hash=hash_for_lookup("katholsen+shop@gmail.com"), phone="+12125550199",
        phone_hash=hash_for_lookup("+12125550199"), postal_code="10001", city="New York", country="US",
        created_at=now,
    )  # fmt: skip
    matches = services.find_matches_for(new.pk, record=True)
    assert [m.customer_id for m in matches if m.decision != "distinct"][:1] == [first.pk]
    assert matches[0].decision == "auto_merge"
    assert matches[0].evidence["email"]["level"] == "same"
    assert DuplicatePair.objects.filter(left_id=first.pk, right_id=new.pk, state=PairState.PENDING).exists()


def test_command_runs_with_a_progress_bar(shop: dict[int, int], capsys: Any) -> None:
    call_command("dedup")
    out = capsys.readouterr()
    assert "150 customers" in out.out and "pending review" in out.out
    assert "dedup" in out.err  # the tqdm bar


def test_shipped_weights_are_what_the_training_corpus_gives() -> None:
    shipped = json.loads(PATH.read_text())
    refit = fit_shipped().to_dict()
    assert refit["thresholds"] == pytest.approx(shipped["thresholds"], rel=1e-4)
    for field, levels in shipped["weights"].items():
        assert {k: pytest.approx(v, abs=1e-3) for k, v in levels.items()} == refit["weights"][field]
