"""A corpus of malformed requests: each must get a 4xx that the OpenAPI document declares, never a 500.

The test client re-raises any exception a view lets escape, so a crash fails the test outright.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from smartcrm.customers.models import Customer
from tests.api.client import ApiClient
from tests.factories import CustomerFactory, DealFactory, ProductFactory

pytestmark = pytest.mark.django_db

FAR_FUTURE = "9999-12-31T23:59:59-14:00"  # past year 9999 once converted to UTC
BAD_BODIES: list[tuple[str, str, Any]] = [
    # (method, path, body: a JSON-able object, or bytes/str sent as they are)
    ("POST", "/customers", b"{"),
    ("POST", "/customers", b"\xff\xfe\x00"),
    ("POST", "/customers", b"[]"),
    ("POST", "/customers", b"null"),
    ("POST", "/customers", b'"Ann"'),
    ("POST", "/customers", b"[" * 100_000),
    ("POST", "/customers", {"first_name": "a\x00b"}),
    ("POST", "/customers", {"first_name": "\ud800"}),
    ("POST", "/customers", {"first_name": "x" * 1_000_000}),
    ("POST", "/customers", {"first_name": {"nested": ["object"]}}),
    ("PATCH", "/customers/{customer}", {"email": None, "source": 7}),
    ("PUT", "/customers/{customer}/tags", {"tags": [1, 2]}),
    ("PUT", "/customers/{customer}/tags", {"tags": ["x"] * 1000}),
    ("PUT", "/customers/{customer}/consents/email", {"status": "granted", "source": "\x00"}),
    ("POST", "/customers/{customer}/notes", {"body": "n" * 10_001}),
    ("POST", "/orders", b'{"customer_id": 1e400, "lines": []}'),
    ("POST", "/orders", {"customer_id": 2**64, "lines": []}),
    (
        "POST",
        "/orders",
        {"customer_id": "{customer}", "lines": [{"product_id": "{product}", "quantity": 2**40}]},
    ),
    (
        "POST",
        "/orders",
        {
            "customer_id": "{customer}",
            "lines": [{"product_id": "{product}", "quantity": 1, "unit_price": "NaN"}],
        },
    ),
    (
        "POST",
        "/orders",
        {"customer_id": "{customer}", "lines": [{"product_id": "{product}", "quantity": 1}] * 501},
    ),
    ("POST", "/orders", {"customer_id": "{customer}", "lines": [], "placed_at": "0000-00-00"}),
    (
        "POST",
        "/orders",
        {
            "customer_id": "{customer}",
            "lines": [{"product_id": "{product}", "quantity": 1}],
            "placed_at": FAR_FUTURE,
        },
    ),
    ("POST", "/orders/999999/refunds", {"amount": "-1"}),
    ("POST", "/products", {"sku": "S", "name": "N", "price": "12345678901234567890"}),
    ("POST", "/products", {"sku": "S", "name": "N", "price": "1.001", "stock": 2**40}),
    ("PATCH", "/products/{product}", {"sku": None}),
    ("POST", "/tickets", {"customer_id": "{customer}", "subject": "s" * 201, "body": "b"}),
    ("POST", "/tickets", {"customer_id": "{customer}", "subject": "s", "body": "b" * 50_001}),
    ("POST", "/reviews", {"customer_id": "{customer}", "product_id": "{product}", "rating": 4.5}),
    (
        "POST",
        "/reviews",
        {"customer_id": "{customer}", "product_id": "{product}", "rating": 4, "created_at": FAR_FUTURE},
    ),
    ("POST", "/deals", {"title": "t", "stage_id": 1, "expected_close": "99999-01-01"}),
    ("PATCH", "/deals/{deal}", {"customer_id": "abc", "value": "-5"}),
    ("PATCH", "/deals/{deal}", {"value": "1e20"}),
]
BAD_QUERIES = [
    "/customers?min_spent=abc",
    "/customers?min_spent=Infinity",
    "/customers?search=%00",
    "/customers?active_within_days=99999999999999999999",
    "/customers?sort=;drop table",
    "/customers?country=%F0%9F%98%80",
    "/orders?placed_after=" + FAR_FUTURE.replace("+", "%2B"),
    "/orders?customer_id=-1",
    "/products?category_id=1e3",
    "/tickets?status=all",
    "/reviews?rating=10",
    "/deals?stage_id=" + "9" * 30,
    "/customers/0",
    "/customers/" + "9" * 40,
    "/orders/1.5",
]


def _fill(value: Any, ids: dict[str, int]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") and value[1:-1] in ids:
        return ids[value[1:-1]]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


@pytest.fixture
def ids(db: Any) -> dict[str, int]:
    return {"customer": CustomerFactory().pk, "product": ProductFactory().pk, "deal": DealFactory().pk}


@pytest.mark.parametrize(
    ("method", "path", "body"), BAD_BODIES, ids=[f"{m} {p} #{i}" for i, (m, p, _) in enumerate(BAD_BODIES)]
)
def test_malformed_bodies_are_4xx(
    admin_api: ApiClient, ids: dict[str, int], method: str, path: str, body: Any
) -> None:
    customers_before = Customer.objects.count()
    url = path.format(**ids)
    if isinstance(body, bytes):
        response = admin_api.request(method, url, raw=body)
    else:
        response = admin_api.request(method, url, raw=json.dumps(_fill(body, ids)))
    assert 400 <= response.status_code < 500, response.content[:300]
    assert "detail" in response.json()
    assert Customer.objects.count() == customers_before


@pytest.mark.parametrize("path", BAD_QUERIES)
def test_malformed_queries_are_4xx(admin_api: ApiClient, path: str) -> None:
    response = admin_api.get(path)
    assert response.status_code in (404, 422), response.content[:300]


@pytest.mark.parametrize(
    "path",
    [
        "/customers?search=%ED%A0%80",
        "/customers?search=%F0%9F%98%80",
        "/customers?search=@",
        "/orders?search=%27",
    ],
)
def test_odd_but_harmless_searches_just_find_nothing(admin_api: ApiClient, path: str) -> None:
    assert admin_api.get(path).json()["items"] == []
