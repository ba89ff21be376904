"""An import's errors are kept in English (it runs where no reader's language is known) and read
in the reader's language: every message the importers write is in the catalogue of templates,
and the error report and the preview show it in Chinese to a Chinese user."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from smartcrm.accounts.roles import Role
from smartcrm.imports.models import ImportRun
from smartcrm.imports.services import import_file
from smartcrm.imports.wording import row_message
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

ORDERS = (
    "order_external_id,customer_external_id,sku,quantity,unit_price,placed_at,status,channel,shipping_total\n"
    "O1,C9,NOPE,2,,2024-05-01,paid,web,4.90\n"
    "O2,,MUG,x,-3,2024-02-31,lost,fax,\n"
    "O2,,MUG,1,1.234,,,,\n"
)
CUSTOMERS = (
    "external_id,first_name,email,country,language,created_at\n"
    "C1,Ann,not-an-email,CN,zh,2024-01-01\n"
    "C2,Bob,bob@example.com,China,en,yesterday\n"
)


def _messages(kind: str, text: str, write_csv: Callable[..., Path]) -> list[str]:
    result = import_file(kind, write_csv(text), actor="test")
    assert result.errors
    return [error.message for error in result.errors]


@pytest.mark.parametrize(("kind", "text"), [("orders", ORDERS), ("customers", CUSTOMERS)])
def test_every_error_an_import_writes_reads_in_chinese(
    write_csv: Callable[..., Path], kind: str, text: str
) -> None:
    ProductFactory(sku="MUG")
    messages = _messages(kind, text, write_csv)
    with translation.override("zh-hans"):
        untranslated = [m for m in messages if row_message(m) == m]
    assert untranslated == []
    with translation.override("en"):
        assert [row_message(m) for m in messages] == messages


def test_a_template_fills_the_values_back() -> None:
    with translation.override("zh-hans"):
        assert row_message("At most 40 characters.") == "最多 40 个字符。"
        assert row_message("Differs from row 7 of the same order; an order has one value here.") == (
            "与同一订单的第 7 行不同；一个订单在此只能有一个值。"
        )
        assert row_message("something else") == "something else"


def test_the_error_report_is_in_the_users_language(write_csv: Callable[..., Path], make_user: Any) -> None:
    ProductFactory(sku="MUG")
    user = make_user(Role.ADMIN)
    user.language = "zh-hans"
    user.save(update_fields=["language"])
    result = import_file("orders", write_csv(ORDERS), actor="test")
    run = ImportRun.objects.create(
        kind="orders", file_name="orders.csv", status="done", errors=[e.as_dict() for e in result.errors]
    )
    client = Client()
    client.force_login(user)
    response = client.get(f"/imports/{run.pk}/errors.csv")
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    header, *rows = text.splitlines()
    assert header == "行,列,错误信息"
    assert rows and all("the same order" not in row and "Required" not in row for row in rows)
