"""Reads of campaigns: the list with counts, the audience's size, the preview per language,
and the results (treatment against the holdout, engine.uplift.estimate_lift)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from smartcrm.core.errors import NotFoundError
from smartcrm.customers.models import Customer
from smartcrm.engine.uplift import LiftEstimate, estimate_lift
from smartcrm.orders.models import Order, OrderStatus

from .audience import campaign_audience
from .mail import language_of, rendered, values_of
from .models import Campaign, CampaignSend, SendStatus, Suppression

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CNY": "¥", "JPY": "¥"}
NOT_SALES = (OrderStatus.CANCELLED, OrderStatus.REFUNDED)


def campaign_list() -> QuerySet[Campaign]:
    return Campaign.objects.annotate(
        members=Count("sends", filter=~Q(sends__status=SendStatus.REMOVED)),
        sent=Count("sends", filter=Q(sends__status=SendStatus.SENT)),
        held_out=Count("sends", filter=Q(sends__in_control=True) & ~Q(sends__status=SendStatus.REMOVED)),
    )


def get_campaign(campaign_id: int) -> Campaign:
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFoundError(f"No campaign {campaign_id}.")
    return campaign


def status_counts(campaign: Campaign) -> dict[str, int]:
    rows = campaign.sends.values("status").annotate(n=Count("id"))
    counts = dict.fromkeys(SendStatus.values, 0)
    counts.update({r["status"]: r["n"] for r in rows})
    return counts


def audience_size(campaign: Campaign) -> int:
    return campaign_audience(campaign).count()


@dataclass(frozen=True)
class Preview:
    language: str
    customer_name: str
    subject: str
    body: str


def preview(campaign: Campaign, *, per_language: int = 2) -> list[Preview]:
    """The email as sample customers of the audience get it, per language (any customers when
    the audience is still empty)."""
    pool = campaign_audience(campaign)
    if not pool.exists():
        pool = Customer.objects.all()
    out = []
    for language, prefix in (("en", "en"), ("zh-Hans", "zh")):
        if language == "zh-Hans" and not (campaign.subject_zh and campaign.body_zh):
            continue
        samples = list(pool.filter(language__startswith=prefix).order_by("pk")[:per_language])
        for customer in samples or [Customer(first_name="Ann", last_name="Example", name="Ann Example")]:
            subject, body = rendered(campaign, language_of(language, campaign), values_of(customer))
            out.append(Preview(language, customer.name, subject, body))
    return out


@dataclass(frozen=True)
class Results:
    campaign: Campaign
    window_start: datetime | None
    window_end: datetime | None
    estimate: LiftEstimate | None
    sentence: str
    currency: str
    counts: dict[str, int]
    suppressed_total: int


def currency_symbol() -> str:
    code = str(settings.SMARTCRM_CURRENCY)
    return SYMBOLS.get(code, f"{code} ")


def outcomes(campaign: Campaign) -> pd.DataFrame:
    """One row per member (``customer_id``, ``in_control``, ``converted``, ``revenue``): an order
    not cancelled or refunded in the attribution window, which starts when the campaign started
    for both groups alike. Empty before the campaign started."""
    columns = ["customer_id", "in_control", "converted", "revenue"]
    start = campaign.started_at
    if start is None:
        return pd.DataFrame(columns=columns)
    end = start + timedelta(days=campaign.attribution_days)
    members = campaign.sends.exclude(status=SendStatus.REMOVED)
    frame = pd.DataFrame.from_records(
        list(members.values_list("customer_id", "in_control")), columns=["customer_id", "in_control"]
    )
    sales = (
        Order.objects.filter(
            customer_id__in=members.values("customer_id"), placed_at__gte=start, placed_at__lt=end
        )
        .exclude(status__in=NOT_SALES)
        .values("customer_id")
        .annotate(revenue=Coalesce(Sum("total"), 0, output_field=Order._meta.get_field("total")))
    )
    bought = pd.DataFrame.from_records(list(sales), columns=["customer_id", "revenue"])
    frame = frame.merge(bought, on="customer_id", how="left")
    frame["in_control"] = frame["in_control"].astype(bool)
    frame["revenue"] = frame["revenue"].astype(float).fillna(0.0)
    frame["converted"] = frame["revenue"] > 0
    return frame[columns]


def results(campaign: Campaign) -> Results:
    """Conversion and revenue per customer (:func:`outcomes`), treatment against control."""
    counts = status_counts(campaign)
    start = campaign.started_at
    if start is None:
        return Results(campaign, None, None, None, "Not sent yet.", currency_symbol(), counts, 0)
    end = start + timedelta(days=campaign.attribution_days)
    frame = outcomes(campaign)
    treatment, control = frame[~frame["in_control"]], frame[frame["in_control"]]
    estimate = estimate_lift(treatment, control)
    symbol = currency_symbol()
    return Results(
        campaign,
        start,
        end,
        estimate,
        estimate.sentence(symbol),
        symbol,
        counts,
        Suppression.objects.filter(campaign=campaign).count(),
    )


def sends_of(campaign: Campaign) -> QuerySet[CampaignSend]:
    return campaign.sends.select_related("customer").order_by("pk")
