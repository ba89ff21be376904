"""``smartcrm import``: the summary, the error report file, --dry-run, --user, exit status."""

from __future__ import annotations

import csv

import pytest
from django.core.management.base import CommandError

from smartcrm.core.models import AuditEvent
from smartcrm.customers.models import Customer
from smartcrm.imports.models import ImportRun

pytestmark = pytest.mark.django_db

TEXT = (
    "external_id;first_name;email;phone\n"
    "C1;Ada;ada@example.com;\n"
    "C2;Bob;bob@@example;\n"
    "C3;Cy;;12\n"
    "C4;Di;di@example.com;\n"
)


def test_prints_a_summary_and_the_first_errors(write_csv, run_command) -> None:
    result = run_command("customers", write_csv(TEXT, name="shop.csv"))
    assert "Customers from shop.csv: 4 rows — 2 created, 0 updated, 0 unchanged, 2 failed." in result.stdout
    assert "row 3, column email: Enter a valid email address." in result.stdout
    assert "row 4, column phone: Enter a valid phone number" in result.stdout
    assert "bob@@example" not in result.stdout + result.stderr
    run = ImportRun.objects.get()
    assert f"Recorded as import run #{run.pk}." in result.stdout
    assert AuditEvent.objects.get(action="import").actor_label == "cli:import"
    assert Customer.objects.count() == 2


def test_errors_out_writes_every_error_without_values(write_csv, run_command, tmp_path) -> None:
    report = tmp_path / "errors.csv"
    result = run_command("customers", write_csv(TEXT), "--errors-out", report)
    assert f"All 2 errors were written to {report}." in result.stdout
    with report.open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["row", "column", "message"],
        ["3", "email", "Enter a valid email address."],
        ["4", "phone", "Enter a valid phone number (international format, or local to the shop's region)."],
    ]


def test_dry_run_writes_nothing_but_reports_everything(write_csv, run_command, tmp_path) -> None:
    report = tmp_path / "errors.csv"
    result = run_command("customers", write_csv(TEXT), "--dry-run", "--errors-out", report)
    assert "2 created" in result.stdout
    assert "Dry run: nothing was saved." in result.stdout
    assert Customer.objects.count() == 0
    assert ImportRun.objects.count() == 0
    assert AuditEvent.objects.count() == 0
    assert len(report.read_text().splitlines()) == 3


def test_rerun_reports_all_rows_unchanged(write_csv, run_command) -> None:
    path = write_csv("external_id,first_name\nC1,Ada\nC2,Bob\n")
    run_command("customers", path)
    assert "0 created, 0 updated, 2 unchanged, 0 failed" in run_command("customers", path).stdout


def test_user_option_records_the_user(write_csv, run_command, admin_user) -> None:
    run_command("customers", write_csv("external_id,first_name\nC1,Ada\n"), "--user", admin_user.username)
    assert ImportRun.objects.get().actor == admin_user
    assert AuditEvent.objects.get(action="import").actor == admin_user


def test_unknown_user_and_unknown_kind_are_refused(write_csv, run_command) -> None:
    path = write_csv("external_id,first_name\nC1,Ada\n")
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        run_command("customers", path, "--user", "ghost")
    with pytest.raises(CommandError, match="invalid choice"):
        run_command("suppliers", path)
    assert Customer.objects.count() == 0


def test_ignored_columns_are_named(write_csv, run_command) -> None:
    result = run_command("customers", write_csv("external_id,first_name,Shoe Size\nC1,Ada,38\n"))
    assert "Ignored columns (not known to smartcrm): shoe_size." in result.stdout


def test_products_then_orders_end_to_end(write_csv, run_command) -> None:
    run_command("customers", write_csv("external_id,first_name\nC1,Ada\n"), "--system", "shopify")
    run_command("products", write_csv("sku,name,price\nMUG,Mug,8.50\n"))
    text = "order_id,customer_id,sku,qty,order_date\nO1,C1,MUG,2,2024-05-01\n"
    result = run_command("orders", write_csv(text), "--system", "shopify")
    assert "1 created" in result.stdout
    ada = Customer.objects.get()
    assert (ada.orders_count, str(ada.total_spent)) == (1, "17.00")
