"""PII never reaches the database in plaintext, and a dump of PostgreSQL shows none."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.core.exceptions import FieldError
from django.db import connection

from smartcrm.customers.models import Customer
from smartcrm.customers.services import create_customer

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "grace.hopper@navy.example"
PHONE = "+1 202-555-0143"
STREET = "1 Harbour Road"


def make_customer() -> Customer:
    return create_customer(
        actor="test",
        values={
            "first_name": "Grace",
            "last_name": "Hopper",
            "email": EMAIL,
            "phone": PHONE,
            "street_address": STREET,
            "city": "Arlington",
            "country": "US",
        },
    )


def test_raw_columns_hold_ciphertext_and_the_model_plaintext() -> None:
    customer = make_customer()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT email, phone, street_address FROM customers_customer WHERE id = %s", [customer.pk]
        )
        raw = cursor.fetchone()
    assert all(value.startswith("k1$") for value in raw)
    assert EMAIL not in "".join(raw) and "555" not in "".join(raw) and "Harbour" not in "".join(raw)
    fresh = Customer.objects.get(pk=customer.pk)
    assert (fresh.email, fresh.phone, fresh.street_address) == (EMAIL, "+12025550143", STREET)


def test_encrypted_fields_refuse_lookups_that_would_silently_fail() -> None:
    with pytest.raises(FieldError):
        Customer.objects.filter(email=EMAIL).exists()
    with pytest.raises(FieldError):
        Customer.objects.filter(email__icontains="grace").exists()


def test_database_dump_contains_no_plaintext_pii(is_postgres: bool) -> None:
    if not is_postgres:
        pytest.skip("pg_dump applies to PostgreSQL")
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    make_customer()
    settings = connection.settings_dict
    dump = subprocess.run(
        [
            "pg_dump",
            "-h",
            settings["HOST"] or "127.0.0.1",
            "-p",
            str(settings["PORT"] or 5432),
            "-U",
            settings["USER"] or "postgres",
            "--data-only",
            settings["NAME"],
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert "Grace" in dump  # names are not PII columns here, and prove the dump has the row
    for plaintext in (EMAIL, "+12025550143", "202-555-0143", STREET):
        assert plaintext not in dump
