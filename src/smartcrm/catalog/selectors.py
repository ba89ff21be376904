"""Reads of the catalog."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet

from smartcrm.catalog.models import Category, Product
from smartcrm.core.errors import NotFoundError
from smartcrm.core.pagination import Page, paginate

PRODUCT_SORTS = {
    "name": ("name", "id"),
    "price": ("price", "id"),
    "-price": ("-price", "id"),
    "newest": ("-created_at", "-id"),
    "stock": ("stock", "id"),
}


def filter_products(
    *, search: str = "", category_id: int | None = None, active: bool | None = None, sort: str = "name"
) -> QuerySet[Product]:
    queryset = Product.objects.select_related("category")
    if search:
        queryset = queryset.filter(name__icontains=search) | queryset.filter(sku__iexact=search)
    if category_id is not None:
        queryset = queryset.filter(category_id=category_id)
    if active is not None:
        queryset = queryset.filter(is_active=active)
    return queryset.order_by(*PRODUCT_SORTS.get(sort, PRODUCT_SORTS["name"]))


def product_page(*, page: int = 1, size: int = 50, **filters: object) -> Page[Product]:
    return paginate(filter_products(**filters), number=page, size=size)  # type: ignore[arg-type]


def get_product(product_id: int) -> Product:
    product = Product.objects.select_related("category").filter(pk=product_id).first()
    if product is None:
        raise NotFoundError(f"product {product_id}")
    return product


def all_categories() -> list[Category]:
    return list(Category.objects.order_by("name"))


def get_category(category_id: int) -> Category:
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        raise NotFoundError(f"category {category_id}")
    return category


def prices(product_ids: list[int]) -> dict[int, Decimal]:
    """Current price per product id (unknown ids are left out)."""
    return dict(Product.objects.filter(pk__in=product_ids).values_list("pk", "price"))
