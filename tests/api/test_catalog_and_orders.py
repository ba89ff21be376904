"""Products, categories, orders with lines, and refunds through the API."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from smartcrm.accounts.roles import Role
from smartcrm.catalog.models import Product
from smartcrm.orders.models import Order
from tests.api.client import ApiClient
from tests.factories import CategoryFactory, CustomerFactory, OrderFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_product_crud_and_soft_delete(admin_api: ApiClient) -> None:
    category = admin_api.post("/categories", {"name": "Tea & Coffee"}).json()
    assert category["slug"] == "tea-coffee"
    assert admin_api.post("/categories", {"name": "Tea & Coffee"}).status_code == 422
    assert [c["id"] for c in admin_api.get("/categories").json()] == [category["id"]]

    created = admin_api.post(
        "/products", {"sku": "TEA-1", "name": "Green tea", "price": "4.50", "category_id": category["id"]}
    )
    assert created.status_code == 201
    product = created.json()
    assert product["price"] == "4.50"
    assert product["category"]["name"] == "Tea & Coffee"

    duplicate = admin_api.post("/products", {"sku": "TEA-1", "name": "Again", "price": "1"})
    assert duplicate.status_code == 422
    assert duplicate.json()["detail"][0]["loc"] == ["body", "payload", "sku"]

    updated = admin_api.patch(f"/products/{product['id']}", {"price": 5, "category_id": None})
    assert (updated.json()["price"], updated.json()["category"]) == ("5.00", None)

    deleted = admin_api.delete(f"/products/{product['id']}")
    assert deleted.status_code == 200
    assert deleted.json()["is_active"] is False
    assert Product.objects.filter(pk=product["id"]).exists()


def test_product_list_filters(api_as: Callable[[Role], ApiClient]) -> None:
    tea = CategoryFactory(name="Tea")
    green = ProductFactory(name="Green tea", category=tea, price=Decimal("4"))
    mug = ProductFactory(name="Mug", price=Decimal("9"), is_active=False)
    client = api_as(Role.ANALYST)  # every role may read the catalog

    def ids(query: str) -> list[int]:
        return [p["id"] for p in client.get(f"/products?{query}").json()["items"]]

    assert ids("search=green") == [green.pk]
    assert ids(f"search={mug.sku}") == [mug.pk]
    assert ids(f"category_id={tea.pk}") == [green.pk]
    assert ids("active=false") == [mug.pk]
    assert ids("sort=-price") == [mug.pk, green.pk]
    assert client.get(f"/products/{green.pk}").json()["name"] == "Green tea"
    assert client.get("/products?sort=cheapest").status_code == 422


def test_product_field_errors(admin_api: ApiClient) -> None:
    bad = admin_api.post("/products", {"sku": "", "name": "X", "price": "-1", "currency": "EURO"})
    assert bad.status_code == 422
    locs = {tuple(e["loc"]) for e in bad.json()["detail"]}
    assert {("body", "payload", "price"), ("body", "payload", "currency")} <= locs
    missing = admin_api.post("/products", {"name": "X"})
    assert {tuple(e["loc"]) for e in missing.json()["detail"]} >= {("body", "payload", "sku")}
    unknown_category = admin_api.post(
        "/products", {"sku": "A", "name": "A", "price": 1, "category_id": 999999}
    )
    assert unknown_category.json()["detail"][0]["loc"] == ["body", "payload", "category_id"]


def test_create_an_order_with_lines_then_refund_a_return(api_as: Callable[[Role], ApiClient]) -> None:
    client = api_as(Role.SUPPORT)
    customer = CustomerFactory()
    mug, tea = ProductFactory(price=Decimal("8.50")), ProductFactory(price=Decimal("4.00"))
    created = client.post(
        "/orders",
        {
            "customer_id": customer.pk,
            "shipping_total": "5.00",
            "lines": [
                {"product_id": mug.pk, "quantity": 2},
                {"product_id": tea.pk, "quantity": 3, "unit_price": "3.00", "discount": "1"},
            ],
        },
    )
    assert created.status_code == 201
    order = created.json()
    assert order["number"].startswith("SO-")
    assert order["total"] == "30.00"
    assert [line["quantity"] for line in order["lines"]] == [2, 3]
    assert order["customer_name"] == customer.name

    line = order["lines"][0]
    refund = client.post(
        f"/orders/{order['id']}/refunds",
        {"amount": "8.50", "kind": "return", "line_id": line["id"], "quantity": 1, "reason": "Broken"},
    )
    assert refund.status_code == 201
    fetched = client.get(f"/orders/{order['id']}").json()
    assert fetched["status"] == "partially_refunded"
    assert fetched["refunds"][0]["amount"] == "8.50"
    assert fetched["lines"][0]["returned_quantity"] == 1

    too_much = client.post(f"/orders/{order['id']}/refunds", {"amount": "1000"})
    assert too_much.status_code == 422
    assert too_much.json()["detail"][0]["loc"] == ["body", "payload", "amount"]
    other_line = client.post(f"/orders/{order['id']}/refunds", {"amount": "1", "line_id": 999999})
    assert other_line.json()["detail"][0]["loc"] == ["body", "payload", "line_id"]


def test_order_line_errors_point_at_the_line(admin_api: ApiClient) -> None:
    customer = CustomerFactory()
    product = ProductFactory()
    response = admin_api.post(
        "/orders",
        {
            "customer_id": customer.pk,
            "lines": [{"product_id": 999999, "quantity": 1}, {"product_id": product.pk, "quantity": -2}],
        },
    )
    assert response.status_code == 422
    locs = [e["loc"] for e in response.json()["detail"]]
    assert ["body", "payload", "lines", 0, "product_id"] in locs
    assert ["body", "payload", "lines", 1, "quantity"] in locs
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"lines": []}, ["body", "payload", "customer_id"]),
        (
            {"customer_id": 999999, "lines": [{"product_id": 1, "quantity": 1}]},
            ["body", "payload", "customer_id"],
        ),
        ({"customer_id": "CUSTOMER", "lines": []}, ["body", "payload", "customer_id"]),
        ({"customer_id": 1, "lines": "all of them"}, ["body", "payload", "lines"]),
        ({"customer_id": 1, "lines": [{"quantity": 1}]}, ["body", "payload", "lines", 0, "product_id"]),
        ({"customer_id": 1, "lines": [], "status": "lost"}, ["body", "payload", "status"]),
        ({"customer_id": 1, "lines": [], "shipping_total": "1e30"}, ["body", "payload", "shipping_total"]),
    ],
)
def test_order_schema_errors(admin_api: ApiClient, body: dict[str, object], loc: list[object]) -> None:
    response = admin_api.post("/orders", body)
    assert response.status_code == 422
    assert loc in [e["loc"] for e in response.json()["detail"]]


def test_an_order_too_large_for_its_columns_is_refused(admin_api: ApiClient) -> None:
    customer, product = CustomerFactory(), ProductFactory(price=Decimal("9999999999.99"))
    response = admin_api.post(
        "/orders", {"customer_id": customer.pk, "lines": [{"product_id": product.pk, "quantity": 100_000}]}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "lines"]


def test_order_list_filters_and_pagination(api_as: Callable[[Role], ApiClient]) -> None:
    ann, bob = CustomerFactory(), CustomerFactory()
    a1 = OrderFactory(customer=ann, number="SO-A1", channel="pos")
    OrderFactory(customer=bob, number="SO-B1", status="cancelled")
    client = api_as(Role.ANALYST)

    def numbers(query: str) -> list[str]:
        return [o["number"] for o in client.get(f"/orders?{query}").json()["items"]]

    assert numbers(f"customer_id={ann.pk}") == ["SO-A1"]
    assert numbers("status=cancelled") == ["SO-B1"]
    assert numbers("channel=pos") == ["SO-A1"]
    assert numbers("search=SO-B1") == ["SO-B1"]
    assert numbers("placed_after=2999-01-01T00:00:00Z") == []
    assert sorted(numbers("placed_before=2999-01-01")) == ["SO-A1", "SO-B1"]
    page = client.get("/orders?page_size=1").json()
    assert page["has_next"] is True
    assert client.get(f"/orders/{a1.pk}").json()["lines"] == []
    assert client.get("/orders?placed_after=yesterday").status_code == 422
    assert client.get("/orders?page_size=201").status_code == 422
    assert client.get("/orders?page=0").status_code == 422
