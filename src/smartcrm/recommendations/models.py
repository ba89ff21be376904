"""Stored recommendations: rewritten in bulk by each training run, read by pages, API and campaigns."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from smartcrm.catalog.models import Product
from smartcrm.customers.models import Customer
from smartcrm.engine.reasons import Reason
from smartcrm.engine.recs.reasons import recommendation_reason
from smartcrm.modelregistry.models import ModelVersion


class Source(models.TextChoices):
    REPURCHASE = "repurchase", _("Due for a repurchase")
    COLLABORATIVE = "collaborative", _("Collaborative filtering")
    POPULAR = "popular", _("Popular")


class CustomerRecommendation(models.Model):
    """One of a customer's top-N products, best first, with the reason shown beside it: a code and
    its values (:mod:`smartcrm.engine.recs.reasons`), worded in the reader's language when shown."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="recommendations")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    reason_code = models.CharField(
        max_length=20, help_text="repurchase, bought_with, like_you, popular_in or popular"
    )
    reason_params = models.JSONField(
        default=dict,
        blank=True,
        help_text='The code\'s values: {"days": 30}, {"product": "…"}, {"category": "…"}',
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    model_version = models.ForeignKey(ModelVersion, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["customer", "rank"]
        constraints = [models.UniqueConstraint(fields=["customer", "rank"], name="reco_customer_rank_uniq")]

    def __str__(self) -> str:
        return f"#{self.rank} for customer {self.customer_id}: product {self.product_id}"

    @property
    def reason(self) -> Reason:
        return recommendation_reason(self.reason_code, self.reason_params)


class PairKind(models.TextChoices):
    SIMILAR = "similar", _("Similar products")
    TOGETHER = "together", _("Frequently bought together")


class ProductPair(models.Model):
    """For a product, a similar one (same buyers) or one frequently in the same basket."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=PairKind.choices)
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField(help_text="Cosine similarity (similar) or lift (together)")
    baskets = models.PositiveIntegerField(help_text="Customers (similar) or baskets (together) with both")
    confidence = models.FloatField(
        null=True, help_text="Together: share of the product's baskets with the other"
    )
    model_version = models.ForeignKey(ModelVersion, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["product", "kind", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["product", "kind", "rank"], name="reco_pair_rank_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.rank} of product {self.product_id}: {self.other_id}"


class RuleLevel(models.TextChoices):
    PRODUCT = "product", _("Products")
    CATEGORY = "category", _("Categories")


class BasketRule(models.Model):
    """An association rule "baskets with A also hold B" with its strength."""

    level = models.CharField(max_length=10, choices=RuleLevel.choices)
    antecedent = models.JSONField(help_text="Product ids or category slugs")
    consequent = models.JSONField(help_text="Product ids or category slugs")
    antecedent_label = models.CharField(max_length=500)
    consequent_label = models.CharField(max_length=500)
    support = models.FloatField()
    confidence = models.FloatField()
    lift = models.FloatField()
    conviction = models.FloatField(null=True, help_text="Null when the confidence is 1 (infinite)")
    baskets = models.PositiveIntegerField()
    model_version = models.ForeignKey(ModelVersion, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-lift", "-confidence"]
        indexes = [models.Index(fields=["level", "lift"], name="reco_rule_level_lift_idx")]

    def __str__(self) -> str:
        return f"{self.antecedent_label} → {self.consequent_label} (lift {self.lift:.2f})"


class StagedRecommendation(models.Model):
    """A customer's new top-N in a fan-out recommendations run's generation, not yet visible:
    written per chunk, moved into CustomerRecommendation all at once by the run's switch
    (recommendations/fanout.py)."""

    run = models.ForeignKey(
        "intelligence.RefreshRun", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    customer_id = models.BigIntegerField()
    product_id = models.BigIntegerField()
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    reason_code = models.CharField(max_length=20)
    reason_params = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "customer_id", "rank"], name="one_staged_rank_per_run")
        ]

    def __str__(self) -> str:
        return f"staged #{self.rank} for customer {self.customer_id} (refresh {self.run_id})"
