"""Importing products: upsert by SKU, categories by slug, strict numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from smartcrm.catalog.models import Category, Product
from smartcrm.imports.services import import_file
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

GOOD = (
    "SKU,Name,Category,Price,Cost,Currency,Stock,Active,Description\n"
    'MUG-1,Mug,Kitchen & Dining,8.50,3.10,eur,12,yes,"Holds tea, coffee"\n'
    "TEA-1,Tea,Kitchen & Dining,4,,,0,no,\n"
    "HAT-1,Hat,,19.99,,,-2,,\n"
)


def test_a_good_file_lands_and_categories_are_created_once(write_csv) -> None:
    result = import_file("products", write_csv(GOOD), actor="test")
    assert (result.created, result.failed) == (3, 0)
    mug = Product.objects.get(sku="MUG-1")
    assert (mug.name, mug.price, mug.cost, mug.currency, mug.stock, mug.is_active) == (
        "Mug",
        Decimal("8.50"),
        Decimal("3.10"),
        "EUR",
        12,
        True,
    )
    assert mug.description == "Holds tea, coffee"
    assert Product.objects.get(sku="TEA-1").is_active is False
    assert Product.objects.get(sku="HAT-1").category is None
    assert list(Category.objects.values_list("slug", "name")) == [("kitchen-dining", "Kitchen & Dining")]


def test_rerun_is_idempotent_and_changes_are_updates(write_csv) -> None:
    path = write_csv(GOOD)
    import_file("products", path, actor="test")
    again = import_file("products", path, actor="test")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = import_file("products", write_csv("sku,price,name\nMUG-1,9.00,\nTEA-1,4.00,\n"), actor="test")
    assert (changed.updated, changed.unchanged) == (1, 1)
    mug = Product.objects.get(sku="MUG-1")
    assert (mug.price, mug.name) == (Decimal("9.00"), "Mug")
    assert Product.objects.count() == 3


def test_existing_products_only_need_their_sku(write_csv) -> None:
    ProductFactory(sku="OLD-1", name="Old", price=Decimal("5"))
    result = import_file("products", write_csv("sku,price,stock\nOLD-1,,7\n"), actor="test")
    assert result.updated == 1
    assert Product.objects.get(sku="OLD-1").stock == 7


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ("P,Pen,,1,,,,oops", "", "more cells"),
        ('P,Pen,,"1,2,3.4.5",,,', "price", "Enter a number"),
        ("P,Pen,,-1,,,", "price", "Cannot be negative."),
        ("P,Pen,,1.999,,,", "price", "At most 2 decimal places."),
        ("P,Pen,,€5€,,,", "price", "Enter a number"),
        ("P,Pen,,10000000000,,,", "price", "Too large"),
        ("P,Pen,,1,x,,", "cost", "Enter a number"),
        ("P,Pen,,1,,EURO,", "currency", "three-letter"),
        ("P,Pen,,1,,,1.5", "stock", "whole number"),
        ("P,,,1,,,", "name", "Required for a new product."),
        ("P,Pen,,,,,", "price", "Required for a new product."),
        (",Pen,,1,,,", "sku", "Required."),
        ("P,Pen,!!!,1,,,", "category", "at least one letter or digit"),
    ],
)
def test_bad_cells_are_reported_and_the_row_is_skipped(
    write_csv, cells: str, column: str, message: str
) -> None:
    text = f"sku,name,category,price,cost,currency,stock\nGOOD,Good,,1,,,\n{cells}\n"
    result = import_file("products", write_csv(text), actor="test")
    assert (result.created, result.failed) == (1, 1)
    (error,) = result.errors
    assert (error.row, error.column) == (3, column)
    assert message in error.message
    assert list(Product.objects.values_list("sku", flat=True)) == ["GOOD"]


def test_a_category_created_by_a_failing_row_is_rolled_back_with_it(write_csv) -> None:
    text = "sku,name,category,price,stock\nP1,Pen,Stationery,1,lots\n"
    result = import_file("products", write_csv(text), actor="test")
    assert result.failed == 1
    assert Category.objects.count() == 0
