"""Every kind of schema error our inputs can raise reads in the request's language: bad payloads
posted to real endpoints produce pydantic's error types (lengths, whole numbers, decimals, dates,
date-times, enums, literals, lists, missing fields, our own validators…), and a Chinese reader
gets no English word in any ``msg`` beyond the field names and the values."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation

from smartcrm.accounts.models import User
from smartcrm.accounts.roles import Role
from smartcrm.api.schema_messages import GENERIC, MESSAGES, translated
from tests.api.client import ApiClient

pytestmark = pytest.mark.django_db

BAD_CUSTOMER = {
    "kind": "robot",  # enum
    "first_name": 5,  # string_type
    "last_name": "x" * 101,  # string_too_long
    "company_name": "Acme\x01",  # value_error (a control character)
    "city": "\ud800",  # string_unicode (a lone surrogate)
    "country": "C",
    "birthday": "2024-02-30",  # date_from_datetime_parsing
    "renews_on": "2024-03-01T10:30:00",  # date_from_datetime_inexact
}
GOOD_LINE = {"product_id": 1, "quantity": 1}
BAD_ORDERS: list[dict[str, Any]] = [
    {},  # missing
    {
        "customer_id": "abc",  # int_parsing
        "lines": [
            {"product_id": 0, "quantity": 1.5, "unit_price": "1.234", "discount": "-1"},
            {"product_id": 2**64, "quantity": "many", "unit_price": "12345678901.5", "discount": "x"},
            {"product_id": 3, "quantity": 1, "unit_price": "Infinity", "discount": [1]},
            {"product_id": 3, "quantity": 1, "unit_price": "123456789012", "discount": "0"},
            "a line",  # model_attributes_type
        ],
        "number": ["SO-1"],
        "status": "lost",  # enum
        "currency": "US1",  # string_pattern_mismatch
        "placed_at": "1800-01-01T00:00:00Z",  # value_error (before 1900)
        "shipping_total": True,
    },
    {"customer_id": 1.5, "lines": "one", "placed_at": "soon"},  # list_type, datetime_parsing
    {"customer_id": 1, "lines": [GOOD_LINE] * 501, "placed_at": "2024-01-01T10:00:00+18:00"},  # too_long
    {"customer_id": 1, "lines": [GOOD_LINE], "placed_at": "2024-02-30"},  # datetime_from_date_parsing
    {"customer_id": 1, "lines": [GOOD_LINE], "placed_at": 2**70},
]
BAD_QUERIES = [
    "/basket-rules?level=bogus&page=abc&min_support=2&min_lift=-1",  # literal_error, int_parsing, le, ge
    "/basket-rules?page_size=0&page=99999999999999999999999&min_lift=x",
    "/customers?page=1.5",
]
FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_.\[\]]*")
# Words a Chinese message may hold: formats and names that are written the same in Chinese.
KEPT = {"ISO", "YYYY", "MM", "DD", "JSON", "UUID", "URL", "Unicode", "null", "HH", "CLV", "true", "false"}


@pytest.fixture
def in_language(token_for: Callable[[Role], tuple[User, str]]) -> Callable[[str], ApiClient]:
    _, raw = token_for(Role.ADMIN)
    return lambda language: ApiClient(raw, HTTP_ACCEPT_LANGUAGE=language)


def _errors(api: ApiClient) -> list[dict[str, Any]]:
    responses = [api.post("/customers", BAD_CUSTOMER)]
    responses += [api.post("/orders", body) for body in BAD_ORDERS]
    responses += [api.get(path) for path in BAD_QUERIES]
    assert [r.status_code for r in responses] == [422] * len(responses), [r.content for r in responses]
    return [error for r in responses for error in r.json()["detail"]]


def _english_words(error: dict[str, Any]) -> list[str]:
    """ASCII words of ``msg`` that are not a field's name, a quoted value or a kept word."""
    text = re.sub(r"'[^']*'", "", error["msg"])  # quoted values ('product', 'category')
    names = {str(part) for part in error["loc"]}
    return [w for w in FIELD.findall(text) if w not in names and w not in KEPT and len(w) > 1]


def test_every_schema_error_type_reads_in_chinese(in_language: Callable[[str], ApiClient]) -> None:
    chinese = _errors(in_language("zh-Hans"))
    kinds = {e["type"] for e in chinese}
    expected = {
        "missing", "string_type", "string_too_long", "string_pattern_mismatch", "value_error", "enum",
        "literal_error", "int_parsing", "int_from_float", "greater_than_equal", "less_than_equal",
        "decimal_parsing", "decimal_max_places", "decimal_whole_digits", "finite_number", "list_type",
        "too_long", "string_unicode", "date_from_datetime_parsing", "date_from_datetime_inexact",
        "datetime_parsing", "datetime_from_date_parsing",
    }  # fmt: skip
    assert expected <= kinds, expected - kinds
    assert kinds - {"value_error"} <= set(MESSAGES), kinds - set(MESSAGES)
    leaks = {e["type"]: (e["msg"], _english_words(e)) for e in chinese if _english_words(e)}
    assert leaks == {}
    assert all(re.search(r"[\u4e00-\u9fff]", e["msg"]) for e in chinese), chinese
    english = _errors(in_language("en"))
    assert [e["type"] for e in english] == [e["type"] for e in chinese]
    assert not any(re.search(r"[\u4e00-\u9fff]", e["msg"]) for e in english)


def test_our_validators_messages_and_choices_in_chinese(in_language: Callable[[str], ApiClient]) -> None:
    errors = {tuple(e["loc"][2:]): e["msg"] for e in _errors(in_language("zh-Hans"))[:8]}
    assert errors[("company_name",)] == "文本不能包含控制字符（只允许制表符和换行符）。"
    assert errors[("city",)] == "请输入文本（有效的 Unicode）。"
    assert " or " not in errors[("kind",)] and "'person'" in errors[("kind",)]


def test_every_template_is_translated_and_an_unknown_kind_is_generic() -> None:
    with translation.override("zh-hans"):
        untranslated = [t for t in {*MESSAGES.values(), GENERIC} if translation.gettext(t) == t]
        assert untranslated == []
        unknown = {"type": "some_future_kind", "msg": "Input should be something new", "ctx": {}}
        assert translated(unknown) == "请输入有效的值。"
        foreign = {"type": "value_error", "msg": "Value error, nope", "ctx": {"error": ValueError("nope")}}
        assert translated(foreign) == "请输入有效的值。"
    with translation.override("en"):
        assert translated(foreign) == "nope"
