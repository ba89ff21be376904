"""The file as a whole: encodings, delimiters, headers, and files that cannot be imported at all."""

from __future__ import annotations

import re

import pytest
from django.core.management.base import CommandError

from smartcrm.customers.models import Customer
from smartcrm.imports.errors import ImportFileError
from smartcrm.imports.importers import CustomerImporter, OrderImporter
from smartcrm.imports.models import ImportRun
from smartcrm.imports.reader import header_key, open_table
from smartcrm.imports.services import import_file

pytestmark = pytest.mark.django_db

COLUMNS = CustomerImporter.columns


def test_header_names_are_matched_case_insensitively_and_by_alias(write_csv) -> None:
    path = write_csv(
        "Customer ID,E-Mail,  First Name ,SURNAME,Zip Code,Favourite Colour\nC1,a@example.com,A,B,1,red\n"
    )
    table = open_table(path, COLUMNS)
    assert table.positions == {
        "external_id": 0,
        "email": 1,
        "first_name": 2,
        "last_name": 3,
        "postal_code": 4,
    }
    assert table.ignored_columns == ["favourite_colour"]
    assert table.rows_total == 1


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("external_id,first_name\nC1,Ada\n", ","),
        ("external_id;first_name\nC1;Ada\n", ";"),
        ("external_id\tfirst_name\nC1\tAda\n", "\t"),
        ('"external;id",first_name\n"C;1",Ada\n', ","),
    ],
)
def test_the_delimiter_is_sniffed_from_the_header(write_csv, text: str, delimiter: str) -> None:
    assert open_table(write_csv(text), (*COLUMNS,)).delimiter == delimiter


def test_a_bom_is_ignored_and_quoted_newlines_and_commas_stay_in_their_cell(write_csv) -> None:
    path = write_csv('\ufeffexternal_id,street_address,city\nC1,"1 Main St,\nFlat 2","Paris, TX"\nC2,x,y\n')
    rows = list(open_table(path, COLUMNS).rows())
    assert rows[0].values == {
        "external_id": "C1",
        "street_address": "1 Main St,\nFlat 2",
        "city": "Paris, TX",
    }
    # Rows are numbered as a spreadsheet shows records: header is 1, a multi-line cell is one row.
    assert [r.number for r in rows] == [2, 3]


def test_blank_lines_are_skipped_but_keep_row_numbers(write_csv) -> None:
    rows = list(open_table(write_csv("external_id\n\nC1\n,\nC2\n"), COLUMNS).rows())
    assert [(r.number, r.get("external_id")) for r in rows] == [(3, "C1"), (5, "C2")]


def test_orders_are_counted_per_order_in_the_first_pass(write_csv) -> None:
    path = write_csv(
        "order_external_id,customer_external_id,sku,placed_at\nO1,C,S,2024-01-01\nO2,C,S,2024-01-01\nO1,C,T,\n"
    )
    table = open_table(path, OrderImporter.columns, group_by="order_external_id")
    assert dict(table.group_counts) == {"O1": 2, "O2": 1}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\n\n  \n", "The file is empty."),
        (b"\xef\xbb\xbf", "The file is empty."),
        (b"first_name,email\nAda,a@example.com\n", "Missing required column(s): external_id."),
        (b"C1,Ada,a@example.com\n", "none of its cells is a column smartcrm knows"),
        (
            b"external_id,email,E-Mail\nC1,a@x.org,b@x.org\n",
            "Columns 2 and 3 of the header both mean 'email'",
        ),
        (bytes(range(256)) * 4, "binary file"),
        (b"PK\x03\x04\x14\x00\x06\x00", "damaged or truncated"),
    ],
)
def test_files_that_cannot_be_read_are_refused_whole_and_nothing_is_written(
    write_csv, run_command, content: bytes, message: str
) -> None:
    path = write_csv(content)
    with pytest.raises(ImportFileError, match=re.escape(message)):
        import_file("customers", path, actor="test")
    with pytest.raises(CommandError, match=re.escape(message)):
        run_command("customers", path)
    assert Customer.objects.count() == 0
    assert ImportRun.objects.count() == 0


def test_a_missing_file_is_a_clear_error(tmp_path, run_command) -> None:
    with pytest.raises(CommandError, match="No such file"):
        run_command("customers", tmp_path / "nope.csv")


def test_a_header_only_file_is_processed_with_zero_rows(write_csv, run_command) -> None:
    result = run_command("customers", write_csv("external_id,email\n"))
    assert "0 rows" in result.stdout
    assert "no data rows" in result.stdout
    run = ImportRun.objects.get()
    assert (run.status, run.progress, run.rows_total) == ("done", 100, 0)


def test_header_key() -> None:
    assert header_key(" E-Mail Address ") == "e_mail_address"
    assert header_key("Zip/Postal code") == "zip_postal_code"
