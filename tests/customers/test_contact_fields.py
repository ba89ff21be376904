"""The contact fields are listed once (customers/contact.py) and every path reads that list."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import smartcrm
from smartcrm.customers.contact import ADDRESS_FIELDS, CONTACT_FIELDS
from smartcrm.customers.models import Customer
from smartcrm.customers.services import EDITABLE_FIELDS
from smartcrm.dedup import rules
from smartcrm.imports.importers import CUSTOMER_TEXT_FIELDS, CustomerImporter
from smartcrm.integrations.payloads import CustomerIn


def test_every_contact_field_is_a_customer_field() -> None:
    names = {f.name for f in Customer._meta.get_fields()}
    assert set(CONTACT_FIELDS) <= names
    assert CONTACT_FIELDS[:2] == ("email", "phone")
    assert CONTACT_FIELDS[2:] == ADDRESS_FIELDS


def test_services_imports_webhooks_and_dedup_cover_every_contact_field() -> None:
    assert set(CONTACT_FIELDS) <= set(EDITABLE_FIELDS)
    assert set(CONTACT_FIELDS) <= set(CUSTOMER_TEXT_FIELDS)
    assert set(CONTACT_FIELDS) <= {column.name for column in CustomerImporter.columns}
    assert set(CONTACT_FIELDS) <= {field.name for field in dataclasses.fields(CustomerIn)}
    assert rules.GROUPS["address"] == ADDRESS_FIELDS
    assert {"email", "phone"} <= {name for group in rules.GROUPS.values() for name in group}


def test_the_address_list_is_written_out_once() -> None:
    written = re.compile(r'"street_address",\s*"city",\s*"region"')
    src = Path(smartcrm.__file__).parent
    hits = [p for p in src.rglob("*.py") if "migrations" not in p.parts and written.search(p.read_text())]
    assert hits == [src / "customers" / "contact.py"]
