"""Customer intelligence: a customer's scores, the segments and clusters, the model registry.

Reads only: scores are written by the scoring job, and activating a model version is an admin
action in the web UI (or ``smartcrm models``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from smartcrm.accounts.roles import Capability
from smartcrm.api.auth import needs
from smartcrm.api.errors import ONE_ERRORS, READ_ERRORS
from smartcrm.api.schemas import Id
from smartcrm.core.errors import NotFoundError
from smartcrm.intelligence import selectors
from smartcrm.intelligence.wording import SCORE_TEXTS, score_explanation
from smartcrm.modelregistry import selectors as registry_selectors

# /customers/{id}/scores sits beside the customer endpoints; the rest under their own paths.
scores_router = Router(tags=["intelligence"])
router = Router(tags=["intelligence"])


class CategoryPropensityOut(Schema):
    category: str = Field(description="Category slug")
    probability: float = Field(description="Chance of buying in it within 30 days, 0–1")


class ScoresOut(Schema):
    customer_id: int
    as_of: date = Field(description="The scores use data up to this day")
    scored_at: datetime
    segment: str = Field(description="RFM segment key; empty when not segmented")
    segment_title: str
    segment_description: str
    rfm_code: str = Field(description="Recency, frequency and monetary scores, 1–5 each")
    cluster: int | None
    cluster_label: str
    expected_purchases_90d: float | None
    probability_alive: float | None = Field(description="0–1")
    clv_12m: Decimal | None = Field(description="Predicted value over the next 12 months")
    churn_risk: float | None = Field(description="0–1")
    churn_reasons: str
    propensity_30d: float | None = Field(description="Probability of an order in the next 30 days, 0–1")
    propensity_reasons: str
    next_category: str = Field(description="Slug of the category most likely bought in the next 30 days")
    next_category_propensity: float | None = Field(description="Its probability, 0–1")
    next_category_reasons: str
    category_propensities: list[CategoryPropensityOut] = Field(description="Top categories, best first")
    persuadability: float | None = Field(
        description="Predicted rise in the chance to buy if a campaign emails them (probability points; "
        "the uplift model trained on the shop's finished campaigns; null without one)"
    )
    explanations: dict[str, Any] = Field(
        description="The reasons and the cluster label as data: per name (churn, propensity, next_category, "
        'cluster) {"code", "message", "params"}, with a stable code and the English template; the *_reasons '
        "fields and cluster_label hold the same in the request's language (empty for rows scored before "
        "codes were kept)"
    )
    model_versions: dict[str, Any] = Field(description="Model kind → registry version used")


class SegmentOut(Schema):
    segment: str
    title: str
    description: str
    customers: int
    share: float = Field(description="Of the customers with a segment, 0–1")
    total_clv: Decimal | None
    average_clv: Decimal | None
    average_churn_risk: float | None
    average_spent: Decimal | None


class ClusterOut(Schema):
    cluster: int
    label: str
    customers: int
    share: float
    average_clv: Decimal | None
    average_churn_risk: float | None
    average_probability_alive: float | None
    average_spent: Decimal | None


class SegmentsOut(Schema):
    scored_customers: int
    as_of: date | None = Field(description="The latest scoring date; null before the first run")
    segments: list[SegmentOut]
    clusters: list[ClusterOut]


class ModelVersionOut(Schema):
    id: int
    kind: str
    version: int
    is_active: bool
    created_at: datetime
    activated_at: datetime | None
    trained_as_of: date
    training_window_start: date | None
    engine: str
    code_version: str
    data_hash: str
    feature_schema: dict[str, Any]
    metrics: dict[str, Any]


class ModelsOut(Schema):
    models: list[ModelVersionOut] = Field(description="Grouped by kind, the active version first")


@scores_router.get(
    "/{customer_id}/scores", response={200: ScoresOut, **ONE_ERRORS}, summary="Get a customer's scores"
)
@needs(Capability.VIEW_CUSTOMERS)
def get_scores(request: HttpRequest, customer_id: Id) -> dict[str, Any]:
    """The latest scores with their reasons; 404 when the customer has none (yet)."""
    score = selectors.customer_scores(customer_id)
    if score is None:
        raise NotFoundError(f"scores of customer {customer_id}")
    info = selectors.segment_info(score.segment)
    return {
        **{name: getattr(score, name) for name in ScoresOut.model_fields if hasattr(score, name)},
        **{text: score_explanation(score, name) for name, text in SCORE_TEXTS.items()},
        "segment_title": info.title if info else "",
        "segment_description": info.description if info else "",
    }


@router.get("/segments", response={200: SegmentsOut, **READ_ERRORS}, summary="Segment and cluster sizes")
@needs(Capability.VIEW_CUSTOMERS)
def list_segments(request: HttpRequest) -> dict[str, Any]:
    """Each segment's and cluster's size, share and averages (CLV, churn risk, spend)."""
    status = selectors.scoring_status()
    return {
        "scored_customers": status["customers"],
        "as_of": status["as_of"],
        "segments": selectors.segment_summary(),
        "clusters": selectors.cluster_summary(),
    }


@router.get("/models", response={200: ModelsOut, **READ_ERRORS}, summary="Model versions and their metrics")
@needs(Capability.VIEW_MODELS)
def list_models(request: HttpRequest) -> dict[str, Any]:
    """Every registered model version with its metrics and feature schema (no artifacts)."""
    return {"models": [v for group in registry_selectors.model_versions() for v in group.versions]}
