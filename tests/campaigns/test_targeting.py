"""Targeting by uplift on a synthetic shop with a planted, heterogeneous effect: customers with
a high churn risk respond to the email (+25 pp), the others do not, while loyal customers buy
more on their own. The model trained on the finished campaign must rank the persuadable first
on customers it never saw, and the "most persuadable X%" audience must pick them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from django.test import Client
from django.utils import timezone

from smartcrm.accounts.roles import Role
from smartcrm.campaigns import services, targeting
from smartcrm.campaigns.audience import campaign_audience
from smartcrm.campaigns.models import Campaign, CampaignSend, CampaignStatus
from smartcrm.core.errors import ServiceValidationError
from smartcrm.core.pii import hash_for_lookup
from smartcrm.customers.models import Channel, Consent, ConsentStatus, Customer
from smartcrm.engine.uplift.metrics import qini_area, qini_coefficient, qini_curve
from smartcrm.intelligence.models import CustomerScore
from smartcrm.modelregistry import registry
from smartcrm.modelregistry.models import ModelKind
from smartcrm.orders.models import Order

pytestmark = pytest.mark.django_db
SMALL = {"learner": "x", "n_estimators": 60, "min_child_samples": 40}
LIFT = 0.25  # for the persuadable: churn risk above PERSUADABLE_FROM
PERSUADABLE_FROM = 0.6
TEMPLATE = {"subject_en": "Hello {{ first_name }}", "body_en": "Something new for you."}


def _base_rate(churn: np.ndarray) -> np.ndarray:
    return 0.03 + 0.12 * (1 - churn)  # loyal customers buy more on their own


def _shop(n: int, seed: int, prefix: str) -> tuple[list[int], np.ndarray]:
    """``n`` customers with email consent and scores; their ids and churn risks."""
    rng = np.random.default_rng(seed)
    churn = rng.random(n)
    now = timezone.now()
    customers = Customer.objects.bulk_create(
        Customer(
            first_name="C",
            last_name=f"{prefix}{i}",
            name=f"C {prefix}{i}",
            email=f"{prefix}{i}@shop.example",
            email_hash=hash_for_lookup(f"{prefix}{i}@shop.example"),
            created_at=now,
        )
        for i in range(n)
    )
    ids = [c.pk for c in customers]
    Consent.objects.bulk_create(
        Consent(customer_id=cid, channel=Channel.EMAIL, status=ConsentStatus.GRANTED, updated_at=now)
        for cid in ids
    )
    clv = rng.gamma(2.0, 100.0, n)
    CustomerScore.objects.bulk_create(
        CustomerScore(
            customer_id=cid,
            as_of=timezone.localdate(),
            scored_at=now,
            churn_risk=float(risk),
            clv_12m=Decimal(f"{value:.2f}"),
            propensity_30d=float(rng.random()),
            probability_alive=float(1 - risk),
        )
        for cid, risk, value in zip(ids, churn, clv, strict=True)
    )
    return ids, churn


def _finished_campaign(days_ago: int = 30) -> Campaign:
    """A campaign to everyone not yet in one, sent (the holdout drawn as always), its window closed."""
    campaign = services.create_campaign(
        actor="test",
        values={"name": "Autumn", "saved_filter": {"min_spent": "0"}, "control_share": 0.5, **TEMPLATE},
    )
    services.schedule_campaign(actor="test", campaign=campaign)
    started = timezone.now() - timedelta(days=days_ago)
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.SENT, started_at=started)
    campaign.refresh_from_db()
    return campaign


def _plant_orders(campaign: Campaign, churn_of: dict[int, float], seed: int) -> None:
    rng = np.random.default_rng(seed)
    members = list(campaign.sends.values_list("customer_id", "in_control"))
    churn = np.array([churn_of[cid] for cid, _ in members])
    treated = np.array([not held for _, held in members])
    p = _base_rate(churn) + treated * np.where(churn > PERSUADABLE_FROM, LIFT, 0.0)
    bought = rng.random(len(members)) < p
    assert campaign.started_at is not None
    Order.objects.bulk_create(
        Order(
            customer_id=cid,
            number=f"T-{campaign.pk}-{cid}",
            placed_at=campaign.started_at + timedelta(days=2),
            total=Decimal("40.00"),
        )
        for (cid, _), yes in zip(members, bought, strict=True)
        if yes
    )


def test_too_little_campaign_data_is_refused_and_said(client_for: Callable[[Role], Client]) -> None:
    _shop(50, seed=1, prefix="few")
    ready = targeting.readiness()
    assert not ready.enough and ready.campaigns == 0
    with pytest.raises(targeting.NotEnoughCampaignDataError, match="needs at least 20 buyers"):
        targeting.train_uplift(actor="test")
    assert targeting.refresh(actor="test", train=True).skipped.startswith("Not enough campaign data")
    page = client_for(Role.MARKETING).get("/campaigns/").content.decode()
    assert "No uplift model yet" in page and "Not enough campaign data" in page
    campaign = services.create_campaign(
        actor="test",
        values={"name": "Top", "saved_filter": {"min_spent": "0"}, "persuadable_share": 0.3, **TEMPLATE},
    )
    with pytest.raises(ServiceValidationError) as refused:
        services.schedule_campaign(actor="test", campaign=campaign)
    assert "No persuadability scores yet" in refused.value.errors["persuadable_share"]


def test_the_share_is_checked() -> None:
    for bad in (0.0001 - 1, 1.5, "many"):
        with pytest.raises(ServiceValidationError) as refused:
            services.create_campaign(
                actor="test",
                values={"name": "X", "saved_filter": {"min_spent": "0"}, "persuadable_share": bad},
            )
        assert "persuadable_share" in refused.value.errors


def test_the_model_learns_the_persuadable_from_a_finished_campaign_and_the_audience_picks_them(
    settings: Any, client_for: Callable[[Role], Client]
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ids, churn = _shop(3_000, seed=2, prefix="train")
    campaign = _finished_campaign()
    kept = CampaignSend.objects.filter(campaign=campaign).values_list("features", flat=True).first()
    assert kept is not None and set(kept) == set(targeting.FEATURES)
    _plant_orders(campaign, dict(zip(ids, churn, strict=True)), seed=3)

    version = targeting.train_uplift(actor="test", params=SMALL)
    assert version.kind == ModelKind.UPLIFT and version.is_active
    assert version.metrics["campaigns"] == 1 and version.metrics["control"] > 1_200
    assert version.metrics["qini_model"] > version.metrics["qini_random"]
    assert registry.active_version(ModelKind.UPLIFT) == version

    # Customers the model never saw, with outcomes drawn from the same planted effect.
    new_ids, new_churn = _shop(2_000, seed=4, prefix="new")
    assert targeting.score_persuadability() == 5_000
    stored = dict(
        CustomerScore.objects.filter(customer_id__in=new_ids).values_list("customer_id", "persuadability")
    )
    uplift = np.array([stored[cid] for cid in new_ids])
    rng = np.random.default_rng(5)
    t = rng.random(len(new_ids)) < 0.5
    effect = np.where(new_churn > PERSUADABLE_FROM, LIFT, 0.0)
    y = (rng.random(len(new_ids)) < _base_rate(new_churn) + t * effect).astype(int)
    random_area = qini_curve(y, t, uplift)[1][-1] / 2
    assert qini_area(y, t, uplift) > 1.3 * random_area
    assert qini_coefficient(y, t, uplift) > 0.01
    assert uplift[effect > 0].mean() - uplift[effect == 0].mean() > 0.1

    # The pages say so: the model on the campaigns page, the score on the customer's page.
    marketing = client_for(Role.MARKETING)
    page = marketing.get("/campaigns/").content.decode()
    assert f"Uplift model v{version.version}" in page and "Enough to learn from" in page
    best = new_ids[int(np.argmax(uplift))]
    assert 'id="persuadability"' in marketing.get(f"/customers/{best}/").content.decode()
    assert "who is persuadable by a campaign" in marketing.get("/models/").content.decode()  # its model card

    # The most persuadable 30% of everyone (made in the editor): nearly all truly persuadable;
    # the holdout still drawn.
    form = {"name": "Top 30%", "saved_filter": "min_spent=0", "persuadable_share": "30", **TEMPLATE}
    form |= {"segment": "", "sends_per_minute": "600", "control_share": "10", "attribution_days": "14"}
    assert marketing.post("/campaigns/new/", form).status_code == 302
    top = Campaign.objects.get(name="Top 30%")
    assert top.persuadable_share == 0.3
    assert "only its most persuadable 30%" in marketing.get(f"/campaigns/{top.pk}/").content.decode()
    chosen = set(campaign_audience(top).values_list("pk", flat=True))
    assert abs(len(chosen) - 0.3 * 5_000) <= 5
    churn_of = dict(zip([*ids, *new_ids], [*churn, *new_churn], strict=True))
    assert np.mean([churn_of[cid] > PERSUADABLE_FROM for cid in chosen]) > 0.85  # 40% of the shop is
    services.schedule_campaign(actor="test", campaign=top)
    members = CampaignSend.objects.filter(campaign=top)
    assert set(members.values_list("customer_id", flat=True)) == chosen
    assert 0.05 < members.filter(in_control=True).count() / len(chosen) < 0.15
