"""Reads of reviews and survey answers."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from smartcrm.core.errors import NotFoundError
from smartcrm.core.pagination import Page, paginate
from smartcrm.feedback.models import Review


def filter_reviews(
    *,
    product_id: int | None = None,
    customer_id: int | None = None,
    rating: int | None = None,
    language: str = "",
) -> QuerySet[Review]:
    queryset = Review.objects.select_related("product", "customer").only(
        "id",
        "rating",
        "title",
        "body",
        "language",
        "status",
        "created_at",
        "order_id",
        "product_id",
        "product__name",
        "customer_id",
        "customer__name",
    )
    if product_id is not None:
        queryset = queryset.filter(product_id=product_id)
    if customer_id is not None:
        queryset = queryset.filter(customer_id=customer_id)
    if rating is not None:
        queryset = queryset.filter(rating=rating)
    if language:
        queryset = queryset.filter(language=language)
    return queryset.order_by("-created_at", "-id")


def get_review(review_id: int) -> Review:
    review = Review.objects.select_related("product", "customer").filter(pk=review_id).first()
    if review is None:
        raise NotFoundError(f"review {review_id}")
    return review


def review_page(*, page: int = 1, size: int = 50, **filters: Any) -> Page[Review]:
    return paginate(filter_reviews(**filters), number=page, size=size)
