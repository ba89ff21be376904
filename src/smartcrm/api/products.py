"""Products and categories. Deleting a product takes it off sale: order lines keep their product."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from smartcrm.accounts.roles import Capability
from smartcrm.api.auth import needs, require_user, signed_in
from smartcrm.api.errors import AUTH_ERRORS, CREATE_ERRORS, ONE_ERRORS, READ_ERRORS, WRITE_ERRORS
from smartcrm.api.schemas import (
    Currency,
    Id,
    LongText,
    Money,
    PageMeta,
    PageQuery,
    Search,
    Text64,
    Text100,
    Text120,
    Text200,
    omittable,
    page_response,
    referenced,
)
from smartcrm.catalog import selectors, services

router = Router(tags=["products"])
categories_router = Router(tags=["categories"])

MAX_STOCK = 1_000_000_000  # the column is a 32-bit integer


class ProductQuery(PageQuery):
    search: Search = Field("", description="Part of the name, or the exact SKU")
    category_id: Id | None = None
    active: bool | None = None
    sort: Literal["name", "price", "-price", "newest", "stock"] = "name"


class CategoryOut(Schema):
    id: int
    name: str
    slug: str
    parent_id: int | None


class ProductOut(Schema):
    id: int
    sku: str
    name: str
    category: CategoryOut | None
    description: str
    price: Decimal
    cost: Decimal | None
    currency: str
    stock: int
    is_active: bool
    created_at: datetime
    updated_at: datetime


class ProductPage(PageMeta):
    items: list[ProductOut]


class ProductIn(Schema):
    sku: Text64
    name: Text200
    category_id: Id | None = None
    description: LongText = ""
    price: Money
    cost: Money | None = None
    currency: Currency = "USD"
    stock: int = Field(0, ge=-MAX_STOCK, le=MAX_STOCK)
    is_active: bool = True


class ProductPatch(Schema):
    """Only the fields sent are changed."""

    sku: Text64 = omittable()
    name: Text200 = omittable()
    category_id: Id | None = Field(None, description="null removes the category")
    description: LongText = omittable()
    price: Money = omittable()
    cost: Money | None = Field(None)
    currency: Currency = omittable()
    stock: int = omittable(ge=-MAX_STOCK, le=MAX_STOCK)
    is_active: bool = omittable()


class CategoryIn(Schema):
    name: Text100
    slug: Text120 = Field("", description="Made from the name when omitted")
    parent_id: Id | None = None


def _values(payload: ProductIn | ProductPatch) -> dict[str, Any]:
    values = payload.model_dump(exclude_unset=isinstance(payload, ProductPatch))
    if "category_id" in values:
        category_id = values.pop("category_id")
        values["category"] = (
            referenced(selectors.get_category, category_id, "category_id") if category_id else None
        )
    return values


@router.get("", response={200: ProductPage, **READ_ERRORS}, summary="List products")
@signed_in
def list_products(request: HttpRequest, query: Query[ProductQuery]) -> dict[str, Any]:
    # Every staff role sees the catalog: it holds no customer data.
    page = selectors.product_page(
        page=query.page,
        size=query.page_size,
        search=query.search,
        category_id=query.category_id,
        active=query.active,
        sort=query.sort,
    )
    return page_response(page)


@router.post("", response={201: ProductOut, **CREATE_ERRORS}, summary="Create a product")
@needs(Capability.EDIT_CATALOG)
def create_product(request: HttpRequest, payload: ProductIn) -> Status:
    user = require_user(request)
    product = services.create_product(actor=user, values=_values(payload))
    return Status(201, selectors.get_product(product.pk))


@router.get("/{product_id}", response={200: ProductOut, **ONE_ERRORS}, summary="Get a product")
@signed_in
def get_product(request: HttpRequest, product_id: Id) -> Any:
    return selectors.get_product(product_id)


@router.patch("/{product_id}", response={200: ProductOut, **WRITE_ERRORS}, summary="Update a product")
@needs(Capability.EDIT_CATALOG)
def update_product(request: HttpRequest, product_id: Id, payload: ProductPatch) -> Any:
    user = require_user(request)
    product = selectors.get_product(product_id)
    services.update_product(actor=user, product=product, values=_values(payload))
    return selectors.get_product(product_id)


@router.delete(
    "/{product_id}",
    response={200: ProductOut, **ONE_ERRORS},
    summary="Take a product off sale (soft delete)",
)
@needs(Capability.EDIT_CATALOG)
def deactivate_product(request: HttpRequest, product_id: Id) -> Any:
    """Sets ``is_active`` to false; the product stays for the orders that contain it."""
    user = require_user(request)
    return services.deactivate_product(actor=user, product=selectors.get_product(product_id))


@categories_router.get("", response={200: list[CategoryOut], **AUTH_ERRORS}, summary="List categories")
@signed_in
def list_categories(request: HttpRequest) -> list[Any]:
    return selectors.all_categories()


@categories_router.post("", response={201: CategoryOut, **CREATE_ERRORS}, summary="Create a category")
@needs(Capability.EDIT_CATALOG)
def create_category(request: HttpRequest, payload: CategoryIn) -> Status:
    user = require_user(request)
    parent = referenced(selectors.get_category, payload.parent_id, "parent_id") if payload.parent_id else None
    category = services.create_category(actor=user, name=payload.name, slug=payload.slug, parent=parent)
    return Status(201, category)
