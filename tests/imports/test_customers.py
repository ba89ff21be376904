"""Importing customers: upsert by external id, per-row errors, idempotent re-runs, hostile text."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from smartcrm.core.models import AuditEvent
from smartcrm.customers.models import Customer, ExternalId
from smartcrm.customers.selectors import find_customer_by_external_id
from smartcrm.imports.models import ImportRun
from smartcrm.imports.services import import_file

pytestmark = pytest.mark.django_db

GOOD = (
    "external_id,first_name,last_name,company_name,kind,email,phone,street_address,city,region,"
    "postal_code,country,language,created_at,tags,consent_email\n"
    "C1,Ada,Lovelace,,person,Ada@Example.com,(202) 555-0143,1 Main St,London,,N1 9GU,gb,en,"
    "2023-04-05,vip;newsletter,granted\n"
    "C2,,,Acme Ltd,company,orders@acme.example,+44 20 7946 0958,,Leeds,Yorkshire,LS1,GB,en,,,denied\n"
    "C3,Grace,Hopper,,,,,,,,,US,,,,\n"
)


def test_a_good_file_lands_whole(write_csv) -> None:
    result = import_file("customers", write_csv(GOOD), actor="test")
    assert (result.rows_total, result.created, result.failed) == (3, 3, 0)
    ada = find_customer_by_external_id("import", "C1")
    assert ada is not None
    assert (ada.name, ada.email, ada.phone, ada.country, ada.source) == (
        "Ada Lovelace",
        "ada@example.com",
        "+12025550143",
        "GB",
        "import",
    )
    assert ada.created_at.date().isoformat() == "2023-04-05"
    assert sorted(t.name for t in ada.tags.all()) == ["newsletter", "vip"]
    assert {c.channel: c.status for c in ada.consents.all()} == {"email": "granted"}
    acme = find_customer_by_external_id("import", "C2")
    assert acme is not None
    assert (acme.name, acme.kind) == ("Acme Ltd", "company")


def test_rerunning_the_same_file_changes_nothing(write_csv) -> None:
    path = write_csv(GOOD)
    import_file("customers", path, actor="test")
    events = AuditEvent.objects.count()
    again = import_file("customers", path, actor="test")
    assert (again.created, again.updated, again.unchanged, again.failed) == (0, 0, 3, 0)
    assert Customer.objects.count() == 3
    assert ExternalId.objects.count() == 3
    # Only the second run's own audit event: no row was written again.
    assert AuditEvent.objects.count() == events + 1


def test_changed_rows_are_updated_and_blank_cells_never_erase(write_csv) -> None:
    import_file("customers", write_csv(GOOD), actor="test")
    changed = "external_id,email,city,phone,tags,consent_email\nC1,,Cambridge,,founder,denied\nC3,,,,,\n"
    result = import_file("customers", write_csv(changed), actor="test")
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    ada = find_customer_by_external_id("import", "C1")
    assert ada is not None
    assert (ada.city, ada.email, ada.phone) == ("Cambridge", "ada@example.com", "+12025550143")
    assert sorted(t.name for t in ada.tags.all()) == ["founder", "newsletter", "vip"]
    assert {c.channel: c.status for c in ada.consents.all()} == {"email": "denied"}


def test_the_system_option_keeps_ids_from_different_systems_apart(write_csv) -> None:
    path = write_csv("external_id,first_name\nC1,Ada\n")
    import_file("customers", path, actor="test")
    import_file("customers", path, actor="test", system="shopify")
    assert Customer.objects.count() == 2
    assert set(ExternalId.objects.values_list("system", flat=True)) == {"import", "shopify"}


def test_bad_rows_are_reported_by_row_and_column_while_good_rows_land(write_csv) -> None:
    text = (
        "external_id,first_name,email,phone,country,created_at,consent_email,kind\n"
        "C1,Ada,ada@example.com,,,,,\n"
        "C2,Bob,not-an-email,,,,,\n"
        "C3,Cy,,12,,,,\n"
        "C4,Di,,,USA,,,\n"
        "C5,Ed,,,,31/13/2024,,\n"
        "C6,Flo,,,,,perhaps,\n"
        "C7,Gus,,,,,,robot\n"
        ",Hal,,,,,,\n"
        "C9,,,,,,,\n"
        "C10,Ivy,,,,2024-02-30,,\n"
        "C11,Jo,jo@example.com,,,,,\n"
    )
    result = import_file("customers", write_csv(text), actor="test")
    assert (result.created, result.failed) == (2, 9)
    found = {(e.row, e.column) for e in result.errors}
    assert found == {
        (3, "email"),
        (4, "phone"),
        (5, "country"),
        (6, "created_at"),
        (7, "consent_email"),
        (8, "kind"),
        (9, "external_id"),
        (10, ""),
        (11, "created_at"),
    }
    by_row = {e.row: e.message for e in result.errors}
    assert by_row[3] == "Enter a valid email address."
    assert by_row[10] == "A customer needs a name or a company name."
    assert sorted(Customer.objects.values_list("first_name", flat=True)) == ["Ada", "Jo"]


def test_a_row_reports_all_its_problems_at_once_and_no_value_is_echoed(write_csv) -> None:
    text = "external_id,first_name,email,phone,country,created_at\nC1,Bo,secret@@example,999,XYZ,yesterday\n"
    result = import_file("customers", write_csv(text), actor="test")
    assert {e.column for e in result.errors} == {"email", "phone", "country", "created_at"}
    reported = " ".join(e.message for e in result.errors)
    for value in ("secret@@example", "999", "XYZ", "yesterday"):
        assert value not in reported
    assert Customer.objects.count() == 0


def test_an_extra_cell_is_an_error_for_its_row(write_csv) -> None:
    result = import_file(
        "customers", write_csv("external_id,first_name\nC1,Ada,oops\nC2,Bob\n"), actor="test"
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "")]
    assert result.created == 1


def test_formula_looking_text_is_stored_verbatim_and_never_evaluated(write_csv) -> None:
    formula = "=cmd|' /C calc'!A0"
    text = f'external_id,first_name,last_name,city\nC1,"{formula}",+SUM(A1:A9),@evil\n'
    result = import_file("customers", write_csv(text), actor="test")
    assert result.created == 1
    customer = Customer.objects.get()
    assert (customer.first_name, customer.last_name, customer.city) == (formula, "+SUM(A1:A9)", "@evil")


def test_naive_dates_are_in_the_shop_time_zone(write_csv, settings) -> None:
    settings.TIME_ZONE = "Europe/Berlin"
    import_file(
        "customers", write_csv("external_id,first_name,created_at\nC1,Ada,2024-07-01 12:00\n"), actor="t"
    )
    created = Customer.objects.get().created_at
    assert created == datetime(2024, 7, 1, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def test_the_run_and_its_audit_event_are_recorded(write_csv, admin_user) -> None:
    text = "external_id,first_name,email\nC1,Ada,ada@example.com\nC2,Bob,bad\n"
    result = import_file("customers", write_csv(text, name="shop.csv"), actor=admin_user)
    run = ImportRun.objects.get(pk=result.run_id)
    assert (run.kind, run.file_name, run.status, run.progress, run.actor) == (
        "customers",
        "shop.csv",
        "done",
        100,
        admin_user,
    )
    assert (run.rows_total, run.rows_created, run.rows_failed) == (2, 1, 1)
    assert run.errors == [{"row": 3, "column": "email", "message": "Enter a valid email address."}]
    assert run.finished_at is not None
    event = AuditEvent.objects.get(action="import")
    assert (event.object_type, event.object_id, event.actor) == ("imports.importrun", str(run.pk), admin_user)
    assert event.changes["created"] == 1
    assert "ada@example.com" not in str(run.errors) + str(event.changes)


def test_rows_are_written_in_batches_and_progress_is_reported(write_csv, monkeypatch) -> None:
    monkeypatch.setattr("smartcrm.imports.writing.BATCH_ROWS", 2)
    lines = "".join(f"C{i},Name{i}\n" for i in range(5))
    seen: list[tuple[int, int]] = []
    result = import_file(
        "customers",
        write_csv("external_id,first_name\n" + lines),
        actor="test",
        on_progress=lambda done, total: seen.append((done, total)),
    )
    assert result.created == 5
    assert seen == [(0, 5), (2, 5), (4, 5), (5, 5)]


def test_dry_run_checks_everything_and_writes_nothing(write_csv) -> None:
    text = "external_id,first_name,email\nC1,Ada,ada@example.com\nC2,Bob,bad\nC1,Ada,ada@example.com\n"
    result = import_file("customers", write_csv(text), actor="test", dry_run=True)
    assert (result.created, result.unchanged, result.failed, result.run_id) == (1, 1, 1, None)
    assert Customer.objects.count() == 0
    assert ImportRun.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_birthday_and_renewal_columns_are_read_in_local_formats_and_checked(write_csv) -> None:
    path = write_csv(
        "customer_id,first_name,date_of_birth,renewal_date\n"
        "B1,Ann,1990-02-28,2027-01-15\n"
        "B2,Bo,31/12/1985,\n"
        "B3,Cy,2999-01-01,\n"
    )
    result = import_file("customers", path, actor="test")
    assert (result.created, result.failed) == (2, 1)
    ann = find_customer_by_external_id("import", "B1")
    bo = find_customer_by_external_id("import", "B2")
    assert ann is not None and bo is not None
    assert (ann.birthday.isoformat(), ann.renews_on.isoformat()) == ("1990-02-28", "2027-01-15")
    assert bo.birthday is not None and bo.birthday.isoformat() == "1985-12-31" and bo.renews_on is None
    assert find_customer_by_external_id("import", "B3") is None
    assert [(e.row, e.column) for e in result.errors] == [(4, "birthday")]
