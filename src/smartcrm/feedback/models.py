"""Product reviews and survey answers: the customer's own words and ratings."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from smartcrm.catalog.models import Product
from smartcrm.customers.models import Customer
from smartcrm.orders.models import Order


class ReviewStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    HIDDEN = "hidden", _("Hidden")


class Review(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="reviews")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews")
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews")
    rating = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    language = models.CharField(max_length=10, default="en")
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PUBLISHED)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"
            ),
        ]
        indexes = [
            models.Index(fields=["product", "-created_at"], name="review_product_idx"),
            models.Index(fields=["customer", "-created_at"], name="review_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.title}"


class SurveyResponse(models.Model):
    """An answer to a survey such as NPS (score 0-10) or CSAT (1-5), with an optional comment."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="survey_responses")
    survey = models.CharField(max_length=50)
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    language = models.CharField(max_length=10, default="en")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(score__lte=10), name="survey_score_0_to_10"),
        ]

    def __str__(self) -> str:
        return f"{self.survey}: {self.score}"
