"""New customers from an import are checked for duplicates once the import commits."""

from __future__ import annotations

import pytest

from smartcrm.customers.services import create_customer
from smartcrm.dedup.models import DedupRun, DuplicatePair, PairState
from smartcrm.imports.services import import_file

pytestmark = pytest.mark.django_db

HEADER = "external_id,first_name,last_name,email,phone,city,country\n"


@pytest.fixture
def katherine() -> int:
    customer = create_customer(
        actor="test",
        values={
            "first_name": "Katherine",
            "last_name": "Olsen",
            "email": "kath.olsen@gmail.com",
            "phone": "+12125550199",
            "city": "New York",
            "country": "US",
        },
    )
    return int(customer.pk)


def test_an_imported_variant_of_a_customer_goes_to_the_review_queue(
    write_csv, katherine: int, django_capture_on_commit_callbacks
) -> None:
    text = HEADER + (
        "N1,Kate,Olsen,katholsen+shop@gmail.com,+1 212 555 0199,New York,US\n"
        "N2,Brand,New,brand.new@example.org,,Lisbon,PT\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = import_file("customers", write_csv(text), actor="test")
    assert result.created == 2
    assert result.duplicate_check == "2 new customers"
    pairs = DuplicatePair.objects.filter(state=PairState.PENDING)
    assert [(p.left_id, p.right_id) for p in pairs] == [(katherine, katherine + 1)]


def test_a_large_import_starts_one_bulk_run_instead(
    write_csv, katherine: int, settings, django_capture_on_commit_callbacks
) -> None:
    settings.SMARTCRM_DEDUP_IMPORT_CHECK_LIMIT = 1
    text = HEADER + "N1,Kate,Olsen,katholsen+shop@gmail.com,,New York,US\nN2,Brand,New,b@example.org,,,\n"
    with django_capture_on_commit_callbacks(execute=True):
        result = import_file("customers", write_csv(text), actor="test")
    run = DedupRun.objects.get()
    assert result.duplicate_check == f"dedup run {run.pk}"
    assert DuplicatePair.objects.filter(left_id=katherine, state=PairState.PENDING).exists()


def test_a_dry_run_checks_nothing(write_csv, katherine: int, django_capture_on_commit_callbacks) -> None:
    text = HEADER + "N1,Kate,Olsen,katholsen+shop@gmail.com,,New York,US\n"
    with django_capture_on_commit_callbacks(execute=True):
        result = import_file("customers", write_csv(text), actor="test", dry_run=True)
    assert result.duplicate_check == ""
    assert not DuplicatePair.objects.exists()
