"""The demo shop's finished campaign: a real send through the campaign path to the local mail
sink, three weeks in the past, with a planted effect so the results page has numbers to read.

The campaign is created and sent exactly as a marketer would (audience, en/zh templates, a 20%
holdout drawn by the campaign's key, consent checked at send time); its start is then moved 21
days back so its 14-day attribution window has closed. The generated shop's own orders in that
window give both groups the same base rate; on top of them, ``PLANTED_LIFT`` of the treated
customers get one more order in the window (one line of a product they could buy), which is
the effect the page should find — about +4 pp, within its confidence interval.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from django.utils import timezone

from smartcrm.campaigns import targeting
from smartcrm.campaigns.models import Campaign, CampaignSend, SendStatus
from smartcrm.campaigns.services import create_campaign, schedule_campaign
from smartcrm.catalog.models import Product
from smartcrm.customers.models import Customer
from smartcrm.orders.services import LineInput, create_order

DAYS_AGO = 21
LIFT_HIGH_RISK = 0.15  # chance of an extra order for a treated customer among the riskiest
LIFT_OTHERS = 0.01
HIGH_RISK_SHARE = 0.4  # by rank: the generated shop's churn risks are high (median about 0.85)
SEED = 21

TEMPLATES = {
    "subject_en": '{{ first_name|default:"Hello" }}, something new for you',
    "body_en": (
        'Hi {{ first_name|default:"there" }},\n\nOur autumn collection has arrived, and as one of our '
        "customers you get 15% off with the code AUTUMN15 for the next two weeks.\n\nThe shop team"
    ),
    "subject_zh": '{{ first_name|default:"您好" }}，新品上架',
    "body_zh": (
        '{{ first_name|default:"您好" }}：\n\n秋季新品已上架，'
        "老顾客两周内使用优惠码 AUTUMN15 可享 85 折。\n\n店铺团队"
    ),
}


def demo_campaign(out: Any = None) -> Campaign | None:
    """Send the demo campaign once (None when the shop has one already or nobody to send to)."""
    if Campaign.objects.exists() or not Customer.objects.exists():
        return None
    campaign = create_campaign(
        actor="demo",
        values={
            "name": "Autumn collection: 15% for customers",
            "saved_filter": {"activity": "active_3650"},
            "control_share": 0.2,
            "attribution_days": 14,
            "sends_per_minute": 1_000_000,
            **TEMPLATES,
        },
    )
    schedule_campaign(actor="demo", campaign=campaign)  # to the local mail sink (prepare_demo runs it)
    _move_back(campaign)
    planted = _plant_orders(campaign)
    uplift = targeting.refresh(actor="demo", train=True)
    if out is not None:
        sent = campaign.sends.filter(status=SendStatus.SENT).count()
        out.write(f"Demo campaign: {sent:,} emails to the local mail sink, {planted} planted orders.\n")
        if uplift.version is not None:
            out.write(
                f"Uplift model v{uplift.version.version} trained; {uplift.scored:,} customers scored.\n"
            )
        else:
            out.write(f"Uplift model not trained: {uplift.skipped}\n")
    return campaign


def _move_back(campaign: Campaign) -> None:
    shift = timedelta(days=DAYS_AGO)
    campaign.refresh_from_db()
    start = (campaign.started_at or timezone.now()) - shift
    Campaign.objects.filter(pk=campaign.pk).update(
        started_at=start, finished_at=start + timedelta(minutes=5), send_at=start
    )
    CampaignSend.objects.filter(campaign=campaign, sent_at__isnull=False).update(sent_at=start)
    campaign.refresh_from_db()


def _plant_orders(campaign: Campaign) -> int:
    product = Product.objects.filter(price__gt=0).order_by("pk").first()
    if product is None or campaign.started_at is None:
        return 0
    treated = list(
        campaign.sends.filter(in_control=False, status=SendStatus.SENT)
        .order_by("customer_id")
        .values_list("customer_id", "features")
    )
    rng = np.random.default_rng(SEED)
    risk = np.array([f.get("churn_risk") or 0.0 for _, f in treated])
    line = np.quantile(risk, 1 - HIGH_RISK_SHARE) if len(risk) else 0.0
    lift = np.where(risk >= line, LIFT_HIGH_RISK, LIFT_OTHERS)
    chosen = [c for (c, _), p, draw in zip(treated, lift, rng.random(len(treated)), strict=True) if draw < p]
    customers = Customer.objects.in_bulk(chosen)
    discount = (product.price * Decimal("0.15")).quantize(Decimal("0.01"))  # the AUTUMN15 code
    for n, customer_id in enumerate(chosen):
        days, hour = 1 + int(rng.integers(0, 12)), int(rng.integers(8, 20))
        create_order(
            actor="demo",
            customer=customers[customer_id],
            lines=[LineInput(product_id=product.pk, quantity=1, discount=discount)],
            number=f"DEMO-CAMPAIGN-{n + 1:05d}",
            placed_at=campaign.started_at + timedelta(days=days, hours=hour),
        )
    return len(chosen)
