"""Reads of the scores, for the customer pages, the segment explorer and the API (the model
cards read :mod:`smartcrm.modelregistry.selectors`). Every function here is one or two
aggregate queries, whatever the number of customers."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

from django.core.cache import cache as django_cache
from django.db.models import Avg, Count, Max, Q, Sum
from django.utils.translation import gettext

from smartcrm.catalog.models import Category
from smartcrm.customers.models import Customer
from smartcrm.intelligence.models import (
    ChunkStatus,
    CustomerScore,
    RefreshChunk,
    RefreshRun,
    RefreshStatus,
    SegmentMovement,
    TrainingRun,
    TrainingStatus,
)
from smartcrm.intelligence.wording import explained

if TYPE_CHECKING:
    from smartcrm.engine.segments.rfm_rules import RFMSegment

# "High value" is the top fifth of customers by predicted 12-month value.
HIGH_VALUE_SHARE = 0.2
# The threshold is cached: scoring runs nightly, and counting a million scores per list request
# is not worth it. After a scoring run the threshold can lag by at most this many seconds.
HIGH_VALUE_CACHE_SECONDS = 600
HIGH_VALUE_CACHE_KEY = "intelligence:high_value_threshold"

# Churn-risk bands shown as badges: below 30 % low, up to 60 % medium, above high.
CHURN_MEDIUM = 0.3
CHURN_HIGH = 0.6


@dataclass(frozen=True)
class SegmentInfo:
    key: str
    title: str
    description: str


def segment_catalogue() -> dict[str, SegmentInfo]:
    """The named RFM segments in their canonical order, with their plain descriptions, in the
    active language (the engine's English titles and descriptions are the message ids)."""
    return {
        key: SegmentInfo(key, gettext(s.title), gettext(s.description)) for key, s in _rfm_segments().items()
    }


@cache
def _rfm_segments() -> dict[str, RFMSegment]:
    """The engine's segments, in English.

    Imported lazily: the engine package pulls in scikit-learn, which pages that never show a
    segment should not pay for.
    """
    from smartcrm.engine.segments.rfm_rules import SEGMENTS

    return {s.key: s for s in SEGMENTS}


def score_of(customer: Customer) -> CustomerScore | None:
    """The customer's scores if loaded with ``select_related("score")`` and present."""
    try:
        return customer.score
    except CustomerScore.DoesNotExist:
        return None


def segment_info(key: str) -> SegmentInfo | None:
    """The title and description of a segment; ``None`` for an empty key."""
    if not key:
        return None
    return segment_catalogue().get(key) or SegmentInfo(key, key.replace("_", " ").capitalize(), "")


def segment_choices() -> list[tuple[str, str]]:
    return [(s.key, s.title) for s in segment_catalogue().values()]


def churn_band(risk: float | None) -> str:
    """``low`` below 30 %, ``medium`` from 30 % to 60 %, ``high`` above; "" when unknown."""
    if risk is None:
        return ""
    if risk > CHURN_HIGH:
        return "high"
    if risk >= CHURN_MEDIUM:
        return "medium"
    return "low"


def customer_scores(customer_id: int) -> CustomerScore | None:
    """The latest scores of one customer, or ``None`` before the first scoring run."""
    return CustomerScore.objects.filter(customer_id=customer_id).first()


def likely_categories(score: CustomerScore | None) -> list[tuple[str, float]]:
    """The customer's most likely next categories as (display name, probability), best first."""
    if score is None or not score.category_propensities:
        return []
    slugs = [str(item["category"]) for item in score.category_propensities]
    names = dict(Category.objects.filter(slug__in=slugs).values_list("slug", "name"))
    return [
        (names.get(slug, slug), float(item["probability"]))
        for slug, item in zip(slugs, score.category_propensities, strict=True)
    ]


def _compute_high_value_threshold() -> Decimal | None:
    scored = CustomerScore.objects.filter(clv_12m__isnull=False)
    total = scored.count()
    if total == 0:
        return None
    position = max(0, math.ceil(total * HIGH_VALUE_SHARE) - 1)
    values = scored.order_by("-clv_12m").values_list("clv_12m", flat=True)[position : position + 1]
    return next(iter(values), None)


def high_value_threshold(*, refresh: bool = False) -> Decimal | None:
    """The 12-month CLV at or above which a customer is in the top 20 %; ``None`` without scores.

    Two index-backed queries (a count and one offset row on the CLV index), cached for
    ``HIGH_VALUE_CACHE_SECONDS``.
    """
    if not refresh:
        cached = django_cache.get(HIGH_VALUE_CACHE_KEY)
        if cached is not None:
            return None if cached == "" else Decimal(cached)
    threshold = _compute_high_value_threshold()
    django_cache.set(
        HIGH_VALUE_CACHE_KEY, "" if threshold is None else str(threshold), HIGH_VALUE_CACHE_SECONDS
    )
    return threshold


@dataclass(frozen=True)
class SegmentRow:
    segment: str
    title: str
    description: str
    customers: int
    share: float
    total_clv: Decimal | None
    average_clv: Decimal | None
    average_churn_risk: float | None
    average_spent: Decimal | None


def _money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def segment_summary() -> list[SegmentRow]:
    """Sizes and averages of each segment (one GROUP BY), in the catalogue's order, largest
    unknown segments after; customers scored without a segment are left out."""
    rows = list(
        CustomerScore.objects.exclude(segment="")
        .values("segment")
        .annotate(
            customers=Count("pk"),
            total_clv=Sum("clv_12m"),
            average_clv=Avg("clv_12m"),
            average_churn_risk=Avg("churn_risk"),
            average_spent=Avg("customer__total_spent"),
        )
    )
    total = sum(r["customers"] for r in rows)
    order = {key: i for i, key in enumerate(segment_catalogue())}
    rows.sort(key=lambda r: (order.get(r["segment"], len(order)), -r["customers"], r["segment"]))
    result = []
    for r in rows:
        info = segment_info(r["segment"])
        assert info is not None
        result.append(
            SegmentRow(
                segment=r["segment"],
                title=info.title,
                description=info.description,
                customers=r["customers"],
                share=r["customers"] / total if total else 0.0,
                total_clv=_money(r["total_clv"]),
                average_clv=_money(r["average_clv"]),
                average_churn_risk=r["average_churn_risk"],
                average_spent=_money(r["average_spent"]),
            )
        )
    return result


@dataclass(frozen=True)
class ClusterRow:
    cluster: int
    label: str
    customers: int
    share: float
    average_clv: Decimal | None
    average_churn_risk: float | None
    average_probability_alive: float | None
    average_spent: Decimal | None


def cluster_summary() -> list[ClusterRow]:
    """Sizes and averages of each behavioural cluster (one GROUP BY), largest first; labels in
    the active language."""
    rows = list(
        CustomerScore.objects.filter(cluster__isnull=False)
        .values("cluster", "cluster_label", "explanations__cluster")
        .annotate(
            customers=Count("pk"),
            average_clv=Avg("clv_12m"),
            average_churn_risk=Avg("churn_risk"),
            average_probability_alive=Avg("probability_alive"),
            average_spent=Avg("customer__total_spent"),
        )
        .order_by("-customers", "cluster")
    )
    total = sum(r["customers"] for r in rows)
    return [
        ClusterRow(
            cluster=r["cluster"],
            label=explained(r["explanations__cluster"], r["cluster_label"]),
            customers=r["customers"],
            share=r["customers"] / total if total else 0.0,
            average_clv=_money(r["average_clv"]),
            average_churn_risk=r["average_churn_risk"],
            average_probability_alive=r["average_probability_alive"],
            average_spent=_money(r["average_spent"]),
        )
        for r in rows
    ]


def scoring_status() -> dict[str, Any]:
    """How many customers are scored and as of when (one query)."""
    return CustomerScore.objects.aggregate(
        customers=Count("pk"), as_of=Max("as_of"), scored_at=Max("scored_at")
    )


@dataclass(frozen=True)
class SegmentMovementTable:
    """Customers by (segment before, segment after) between the two latest scoring runs."""

    from_as_of: Any
    to_as_of: Any
    columns: list[str]  # destination segment titles, canonical order, "(gone)" last
    rows: list[tuple[str, list[int], int]]  # origin title, counts per column, total


def _segment_title(key: str) -> str:
    info = None if key.startswith("(") else segment_info(key)
    return info.title if info else key


def latest_segment_movement() -> SegmentMovementTable | None:
    """The most recent movement table, or ``None`` before a second scoring run."""
    latest = SegmentMovement.objects.aggregate(m=Max("to_as_of"))["m"]
    if latest is None:
        return None
    moves = list(SegmentMovement.objects.filter(to_as_of=latest))
    order = list(segment_catalogue())

    def position(key: str) -> tuple[int, str]:
        return (order.index(key) if key in order else len(order) + (key == "(gone)"), key)

    destinations = sorted({m.to_segment for m in moves}, key=position)
    counts = {(m.from_segment, m.to_segment): m.customers for m in moves}
    rows = []
    for origin in sorted({m.from_segment for m in moves}, key=position):
        values = [counts.get((origin, to), 0) for to in destinations]
        rows.append((_segment_title(origin), values, sum(values)))
    return SegmentMovementTable(moves[0].from_as_of, latest, [_segment_title(k) for k in destinations], rows)


def last_refresh_finished_at() -> datetime | None:
    """When the latest training, scoring or fan-out refresh run that succeeded finished
    (``/metrics``' refresh age)."""
    trained = TrainingRun.objects.filter(status=TrainingStatus.DONE, finished_at__isnull=False).aggregate(
        m=Max("finished_at")
    )["m"]
    refreshed = RefreshRun.objects.filter(status=RefreshStatus.DONE).aggregate(m=Max("finished_at"))["m"]
    return max((t for t in (trained, refreshed) if t is not None), default=None)


@dataclass(frozen=True)
class RefreshProgress:
    run: RefreshRun
    chunks: int
    done: int
    failed: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.chunks) if self.chunks else 0

    @property
    def can_cancel(self) -> bool:
        return self.run.status in CANCELLABLE

    @property
    def can_retry(self) -> bool:
        return self.run.status == RefreshStatus.FAILED and self.chunks > 0


CANCELLABLE = frozenset(
    {RefreshStatus.QUEUED, RefreshStatus.TRAINING, RefreshStatus.SCORING, RefreshStatus.FAILED}
)


def recent_refreshes(limit: int = 5) -> list[RefreshProgress]:
    """The latest fan-out refresh runs with their chunks' progress (two queries)."""
    runs = list(RefreshRun.objects.defer("fitted", "metrics")[:limit])
    counts = (
        RefreshChunk.objects.filter(run__in=runs)
        .values("run_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=ChunkStatus.DONE)),
            failed=Count("pk", filter=Q(status=ChunkStatus.FAILED)),
        )
    )
    by_run = {c["run_id"]: c for c in counts}
    return [
        RefreshProgress(
            run=run,
            chunks=by_run.get(run.pk, {}).get("total", 0),
            done=by_run.get(run.pk, {}).get("done", 0),
            failed=by_run.get(run.pk, {}).get("failed", 0),
        )
        for run in runs
    ]
