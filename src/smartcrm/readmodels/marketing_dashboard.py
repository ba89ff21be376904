"""The marketing dashboard's figures: the segments, the uplift of the latest campaigns over
their holdout groups, and churn risk now and run by run.

Churn risk is stored per customer as of the last scoring run, so its trend is read from the
segment movements each run records: how many customers moved into a segment that is drifting
away (at risk, can't lose them, hibernating, about to sleep) from one run to the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, Sum

from smartcrm.campaigns.models import Campaign
from smartcrm.campaigns.selectors import results
from smartcrm.engine.uplift.effect import LiftEstimate
from smartcrm.intelligence.models import CustomerScore, SegmentMovement
from smartcrm.intelligence.selectors import SegmentRow, segment_summary

CAMPAIGNS_SHOWN = 5
TREND_RUNS = 8
# The customers list's churn-risk filter offers these minimums (web/forms.py CHURN_RISK_MIN).
CHURN_THRESHOLDS = (0.3, 0.5, 0.7)
DRIFTING_SEGMENTS = ("about_to_sleep", "at_risk", "cant_lose", "hibernating")


@dataclass(frozen=True)
class CampaignUplift:
    campaign_id: int
    name: str
    started_on: date
    estimate: LiftEstimate | None


@dataclass(frozen=True)
class ChurnBand:
    minimum: float  # customers with a churn risk at least this
    customers: int


@dataclass(frozen=True)
class DriftPoint:
    as_of: date  # the scoring run
    customers: int  # moved into a drifting segment since the run before


@dataclass(frozen=True)
class MarketingDashboard:
    segments: list[SegmentRow]
    scored: int
    churn_bands: list[ChurnBand]
    drift: list[DriftPoint]  # oldest first
    campaigns: list[CampaignUplift]  # newest first


def churn_bands() -> tuple[int, list[ChurnBand]]:
    """Scored customers, and how many have a churn risk at or above each threshold (one query)."""
    counts = CustomerScore.objects.aggregate(
        scored=Count("pk"),
        **{f"at_{i}": Count("pk", filter=Q(churn_risk__gte=t)) for i, t in enumerate(CHURN_THRESHOLDS)},
    )
    return counts["scored"], [ChurnBand(t, counts[f"at_{i}"]) for i, t in enumerate(CHURN_THRESHOLDS)]


def drift_trend(*, runs: int = TREND_RUNS) -> list[DriftPoint]:
    """Customers who moved into a drifting segment, per scoring run (one query)."""
    rows = (
        SegmentMovement.objects.filter(to_segment__in=DRIFTING_SEGMENTS)
        .exclude(from_segment__in=DRIFTING_SEGMENTS)
        .values("to_as_of")
        .annotate(customers=Sum("customers"))
        .order_by("-to_as_of")[:runs]
    )
    return [DriftPoint(r["to_as_of"], r["customers"]) for r in reversed(list(rows))]


def campaign_uplifts(*, shown: int = CAMPAIGNS_SHOWN) -> list[CampaignUplift]:
    """The latest started campaigns with their lift over the holdout (a few queries each)."""
    started = Campaign.objects.filter(started_at__isnull=False).order_by("-started_at", "-pk")[:shown]
    uplifts = []
    for campaign in started:
        assert campaign.started_at is not None
        uplifts.append(
            CampaignUplift(campaign.pk, campaign.name, campaign.started_at.date(), results(campaign).estimate)
        )
    return uplifts


def marketing_dashboard() -> MarketingDashboard:
    scored, bands = churn_bands()
    return MarketingDashboard(
        segments=segment_summary(),
        scored=scored,
        churn_bands=bands,
        drift=drift_trend(),
        campaigns=campaign_uplifts(),
    )
