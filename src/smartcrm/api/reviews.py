"""Product reviews: recording them, and moderation (publish or hide, delete)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from smartcrm.accounts.roles import Capability
from smartcrm.api.auth import needs, require_user
from smartcrm.api.errors import CREATE_ERRORS, ONE_ERRORS, READ_ERRORS, WRITE_ERRORS
from smartcrm.api.schemas import (
    CONTROL_FREE,
    Id,
    PageMeta,
    PageQuery,
    Recorded,
    Text10,
    Text200,
    page_response,
    referenced,
    text_for_caller,
)
from smartcrm.catalog.selectors import get_product
from smartcrm.customers.selectors import get_customer
from smartcrm.feedback import selectors, services
from smartcrm.feedback.models import Review, ReviewStatus
from smartcrm.orders.selectors import get_order

router = Router(tags=["reviews"])

Rating = Annotated[int, Field(ge=1, le=5, description="1 to 5 stars")]
ReviewBody = Annotated[str, Field(max_length=20_000), CONTROL_FREE]


class ReviewQuery(PageQuery):
    product_id: Id | None = None
    customer_id: Id | None = None
    rating: Rating | None = None
    language: Text10 = ""


class ReviewOut(Schema):
    id: int
    product_id: int
    product_name: str
    customer_id: int
    customer_name: str
    order_id: int | None
    rating: int
    title: str
    body: str
    language: str
    status: str
    created_at: datetime

    @staticmethod
    def resolve_product_name(obj: Review) -> str:
        return obj.product.name

    @staticmethod
    def resolve_customer_name(obj: Review) -> str:
        return obj.customer.name

    @staticmethod
    def resolve_title(obj: Review, context: dict[str, Any]) -> str:
        return text_for_caller(obj.title, context)

    @staticmethod
    def resolve_body(obj: Review, context: dict[str, Any]) -> str:
        return text_for_caller(obj.body, context)


class ReviewPage(PageMeta):
    items: list[ReviewOut]


class ReviewIn(Schema):
    customer_id: Id
    product_id: Id
    order_id: Id | None = None
    rating: Rating
    title: Text200 = ""
    body: ReviewBody = ""
    language: Text10 = "en"
    created_at: Recorded | None = Field(None, description="When the customer wrote it; now when omitted")


class ReviewPatch(Schema):
    status: ReviewStatus


@router.get("", response={200: ReviewPage, **READ_ERRORS}, summary="List reviews")
@needs(Capability.VIEW_CUSTOMERS)
def list_reviews(request: HttpRequest, query: Query[ReviewQuery]) -> dict[str, Any]:
    """Newest first."""
    page = selectors.review_page(
        page=query.page,
        size=query.page_size,
        product_id=query.product_id,
        customer_id=query.customer_id,
        rating=query.rating,
        language=query.language,
    )
    return page_response(page)


@router.post("", response={201: ReviewOut, **CREATE_ERRORS}, summary="Record a review")
@needs(Capability.EDIT_REVIEWS)
def record_review(request: HttpRequest, payload: ReviewIn) -> Status:
    user = require_user(request)
    review = services.record_review(
        actor=user,
        customer=referenced(get_customer, payload.customer_id, "customer_id"),
        product=referenced(get_product, payload.product_id, "product_id"),
        order=referenced(get_order, payload.order_id, "order_id") if payload.order_id else None,
        rating=payload.rating,
        title=payload.title,
        body=payload.body,
        language=payload.language,
        created_at=payload.created_at,
    )
    return Status(201, selectors.get_review(review.pk))


@router.get("/{review_id}", response={200: ReviewOut, **ONE_ERRORS}, summary="Get a review")
@needs(Capability.VIEW_CUSTOMERS)
def get_review(request: HttpRequest, review_id: Id) -> Any:
    return selectors.get_review(review_id)


@router.patch("/{review_id}", response={200: ReviewOut, **WRITE_ERRORS}, summary="Publish or hide a review")
@needs(Capability.EDIT_REVIEWS)
def moderate_review(request: HttpRequest, review_id: Id, payload: ReviewPatch) -> Any:
    user = require_user(request)
    return services.set_review_status(
        actor=user, review=selectors.get_review(review_id), status=payload.status
    )


@router.delete("/{review_id}", response={204: None, **ONE_ERRORS}, summary="Delete a review")
@needs(Capability.EDIT_REVIEWS)
def delete_review(request: HttpRequest, review_id: Id) -> Status:
    user = require_user(request)
    services.delete_review(actor=user, review=selectors.get_review(review_id))
    return Status(204, None)
