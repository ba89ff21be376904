"""Hostile values at input: control characters, impossible offsets, implausible dates, deep pages.

Each is refused with a field error (API 422 with the field's location, pages 400), and an export
stays writable even for rows saved before the checks existed.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
from django.test import Client

from smartcrm.accounts.roles import Role
from smartcrm.core.pagination import MAX_PAGE, page_number
from smartcrm.core.text import check_text, strip_control
from smartcrm.customers.models import Customer
from smartcrm.orders.models import Order
from tests import factories
from tests.api.client import ApiClient
from tests.api.openapi import openapi_document

pytestmark = pytest.mark.django_db

CONTROLS = ["\x0b", "\x1b[31m", "\x07", "\x7f", "\x85", "\x9b"]


@pytest.mark.parametrize("char", CONTROLS)
def test_control_characters_are_refused_by_the_api_with_the_field(admin_api: ApiClient, char: str) -> None:
    response = admin_api.post("/customers", {"first_name": f"Ctl{char}Name"})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"][-1] == "first_name" and error["code"] == "invalid"
    assert "control characters" in error["msg"]
    assert not Customer.objects.exists()


def test_tab_and_line_breaks_stay_allowed(admin_api: ApiClient) -> None:
    customer = factories.CustomerFactory()
    response = admin_api.post(f"/customers/{customer.pk}/notes", {"body": "line one\r\n\tline two"})
    assert response.status_code == 201, response.content


def test_check_and_strip() -> None:
    assert check_text("Zoë 李 \t\n") == "Zoë 李 \t\n"
    with pytest.raises(ValueError, match="control"):
        check_text("a\x00b")
    assert strip_control("a\x0bb\x1bc\x9bd\ud800") == "abcd?"


def _walk(schema: Any, components: dict[str, Any], seen: frozenset[str] = frozenset()) -> Iterator[Any]:
    if not isinstance(schema, dict):
        return
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            yield from _walk(components[name], components, seen | {name})
        return
    yield schema
    for value in schema.get("properties", {}).values():
        yield from _walk(value, components, seen)
    for key in ("items", "additionalProperties"):
        yield from _walk(schema.get(key), components, seen)
    alternatives = schema.get("anyOf", [])
    if not any(alt.get("type") == "number" for alt in alternatives):  # a decimal: number or its text
        for value in alternatives:
            yield from _walk(value, components, seen)


def test_every_text_input_of_the_api_refuses_control_characters() -> None:
    """A new input field typed plain ``str`` fails here: use the types of api/schemas.py."""
    document = openapi_document()
    components = document["components"]["schemas"]
    bounded = {"enum", "format", "const", "pattern"}
    plain = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            schemas = [p["schema"] for p in operation.get("parameters", [])]
            body = operation.get("requestBody", {}).get("content", {})
            schemas += [content["schema"] for content in body.values()]
            plain += [
                f"{method} {path}: {part}"
                for schema in schemas
                for part in _walk(schema, components)
                if part.get("type") == "string" and not bounded & set(part)
            ]
    assert not plain, plain


@pytest.mark.parametrize(
    "path",
    [
        "/orders?placed_before=2024-01-01T00:00:00-16:00",
        "/orders?placed_after=2024-01-01T00:00:00%2B18:00",
    ],
)
def test_offsets_postgresql_cannot_store_are_a_field_error(admin_api: ApiClient, path: str) -> None:
    response = admin_api.get(path)
    assert response.status_code == 422
    assert "offset" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize("when", ["2024-01-01T00:00:00-18:00", "9999-12-31T00:00:00Z", "1850-01-01"])
def test_orders_and_reviews_refuse_implausible_dates(admin_api: ApiClient, when: str) -> None:
    customer, product = factories.CustomerFactory(), factories.ProductFactory()
    order = {
        "customer_id": customer.pk,
        "lines": [{"product_id": product.pk, "quantity": 1}],
        "placed_at": when,
    }
    response = admin_api.post("/orders", order)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "placed_at"
    review = {"customer_id": customer.pk, "product_id": product.pk, "rating": 4, "created_at": when}
    assert admin_api.post("/reviews", review).status_code == 422
    assert not Order.objects.exists()


def test_a_discount_over_the_line_amount_is_refused(admin_api: ApiClient) -> None:
    customer, product = factories.CustomerFactory(), factories.ProductFactory(price="9.99")
    line = {"product_id": product.pk, "quantity": 1, "discount": "500"}
    response = admin_api.post("/orders", {"customer_id": customer.pk, "lines": [line]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-3:] == ["lines", 0, "discount"]
    line["discount"] = "9.99"
    assert admin_api.post("/orders", {"customer_id": customer.pk, "lines": [line]}).status_code == 201


@pytest.mark.parametrize("body", [b"null", b"[]", b"7"])
@pytest.mark.parametrize("path", ["/duplicates/runs", "/data-quality/fixes/trim_names"])
def test_bodies_that_are_not_objects_are_refused_with_a_code(
    admin_api: ApiClient, body: bytes, path: str
) -> None:
    response = admin_api.post(path, raw=body)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "bad_request"
    assert admin_api.post(path, raw=b'{"preview": [], "auto_merge": []}').status_code == 422


def test_page_numbers_are_clamped() -> None:
    assert page_number("99999999999999999999") == MAX_PAGE
    assert page_number("9" * 5000) == MAX_PAGE
    assert [page_number(v) for v in ("", "0", "-3", "abc", "٣", "007")] == [1, 1, 1, 1, 1, 7]


@pytest.mark.parametrize("url", ["/duplicates/", "/duplicates/merges/", "/integrations/"])
def test_pages_with_huge_page_numbers_answer(make_user: Any, url: str) -> None:
    client = Client()
    client.force_login(make_user(Role.ADMIN))
    assert client.get(url, {"page": "99999999999999999999"}).status_code == 200


def test_pages_refuse_control_characters_in_form_fields(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user(Role.ADMIN))
    response = client.get("/customers/", {"q": "a\x1bb"})
    assert response.status_code == 400
    assert b"control characters" in response.content
    assert client.get("/customers/", {"q": "Ada\t"}).status_code == 200


def test_pages_refuse_control_characters_in_multipart_form_fields(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user(Role.ADMIN))

    def upload(system: str) -> Any:
        data = b"external_id,first_name\nM1,Ada\n"
        file = io.BytesIO(data)
        file.name = "customers.csv"
        return client.post("/imports/", {"kind": "customers", "system": system, "file": file})

    refused = upload("shop\x1b[31m")
    assert refused.status_code == 400
    assert b"system: Text cannot contain control characters" in refused.content
    assert upload("shop\t").status_code == 302  # stored, on to the mapping step


def test_xlsx_export_survives_a_stored_control_character(make_user: Any) -> None:
    Customer.objects.filter(pk=factories.CustomerFactory().pk).update(name="Ctl\x0bName\x1b")
    client = Client()
    client.force_login(make_user(Role.ADMIN))
    response = client.get("/exports/customers.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert any(str(cell.value).startswith("CtlName") for cell in sheet["B"])
