"""Erasure leaves no trace of the customer in a dump of the whole database; the orders stay."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from smartcrm.core import audit
from smartcrm.core.models import AuditAction, AuditEvent
from smartcrm.core.pii import hash_for_lookup
from smartcrm.customers.models import Customer
from smartcrm.orders.models import Order
from smartcrm.privacy import services
from tests.privacy.conftest import Distinctive


def _dump() -> str:
    """The whole database as text: pg_dump on PostgreSQL, iterdump on SQLite."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        args = [
            "pg_dump",
            "--data-only",
            "--no-owner",
            "-h",
            s["HOST"] or "127.0.0.1",
            "-p",
            str(s["PORT"] or 5432),
        ]
        args += ["-U", s["USER"] or "postgres", s["NAME"]]
        return subprocess.run(args, check=True, capture_output=True, text=True, timeout=120).stdout
    connection.ensure_connection()
    return "\n".join(connection.connection.iterdump())


def _found(dump: str, values: list[str]) -> list[str]:
    lowered = dump.lower()
    return [v for v in values if v.lower() in lowered]


@pytest.mark.django_db(transaction=True)
def test_an_erased_customer_leaves_no_trace_in_a_database_dump(
    distinctive: Distinctive, admin_user: Any
) -> None:
    before = _dump()
    # The plain texts are there before (the encrypted contact details are not, in any form but their hashes).
    assert set(_found(before, distinctive.values)) >= {
        "Zebunote: wedding gift for her sister",
        hash_for_lookup("zebulonia.quixotevna@unique-mail.example"),
    }
    removed = services.erase_personal_data(actor=admin_user, customer=distinctive.customer)
    assert removed["notes"] == 1 and removed["tickets"] == 1 and removed["webhook_deliveries"] == 1

    assert _found(_dump(), distinctive.values) == []
    customer = Customer.objects.get(pk=distinctive.customer.pk)
    assert customer.name == f"Erased customer {customer.pk}" and customer.erased_at is not None
    assert (customer.email, customer.phone, customer.street_address, customer.search_text) == ("", "", "", "")
    assert Order.objects.get(pk=distinctive.order.pk).customer_id == customer.pk  # kept for the books
    event = AuditEvent.objects.get(action=AuditAction.ERASE_PERSONAL_DATA, object_id=str(customer.pk))
    assert event.actor == admin_user and event.changes["removed"]["notes"] == 1
    assert audit.verify_chain().problem is None


def test_a_second_erasure_is_refused(distinctive: Distinctive) -> None:
    services.erase_personal_data(actor="test", customer=distinctive.customer)
    with pytest.raises(CommandError, match="erased already"):
        call_command("privacy", "erase", str(distinctive.customer.pk), "--yes")


def test_the_command_asks_for_yes_first(distinctive: Distinctive, capsys: Any) -> None:
    with pytest.raises(SystemExit):
        call_command("privacy", "erase", str(distinctive.customer.pk))
    assert "--yes" in capsys.readouterr().out
    assert Customer.objects.get(pk=distinctive.customer.pk).erased_at is None
    call_command("privacy", "erase", str(distinctive.customer.pk), "--yes")
    assert Customer.objects.get(pk=distinctive.customer.pk).erased_at is not None
