"""Reads of reviews and survey answers."""

from __future__ import annotations

from django.db.models import QuerySet

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
