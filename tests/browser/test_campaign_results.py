"""In headless Chromium: a marketer opens a finished campaign's results page and reads its uplift."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from smartcrm.accounts.roles import Role
from smartcrm.campaigns.models import Campaign, CampaignSend, CampaignStatus, SendStatus
from smartcrm.engine.uplift import in_control
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_marketing_reads_a_campaigns_uplift(page: Page, login: Any, live_server: Any) -> None:
    factories.UserFactory(username="mia", role=Role.MARKETING)
    started = timezone.now() - timedelta(days=20)
    campaign = Campaign.objects.create(
        key="campaign-browser",
        name="Spring win-back",
        saved_filter={"country": "US"},
        subject_en="Hi",
        body_en="Hello",
        control_share=0.3,
        attribution_days=14,
        status=CampaignStatus.SENT,
        started_at=started,
        finished_at=started,
    )
    people = factories.CustomerFactory.create_batch(600)
    held = in_control([c.pk for c in people], campaign.key, campaign.control_share)
    CampaignSend.objects.bulk_create(
        [
            CampaignSend(
                campaign=campaign,
                customer=c,
                in_control=bool(h),
                status=SendStatus.HELD_OUT if h else SendStatus.SENT,
                sent_at=None if h else started,
            )
            for c, h in zip(people, held, strict=True)
        ]
    )
    # Planted: every 4th treated customer buys (25%), every 10th held-out one (10%).
    treated = [c for c, h in zip(people, held, strict=True) if not h]
    control = [c for c, h in zip(people, held, strict=True) if h]
    for c in treated[::4] + control[::10]:
        factories.OrderFactory(customer=c, placed_at=started + timedelta(days=3), total=Decimal("80.00"))

    login(page, "mia")
    page.get_by_role("link", name="Campaigns").click()
    page.get_by_role("link", name="Spring win-back").click()
    sentence = page.locator("#uplift-sentence")
    expect(sentence).to_contain_text("pp, 95% CI")
    match = re.match(
        r"\+(\d+\.\d) pp, 95% CI (-?\d+\.\d) to (\d+\.\d); about \$([\d,]+) incremental",
        sentence.inner_text(),
    )
    assert match is not None, sentence.inner_text()
    lift, low, high = (float(match.group(i)) for i in (1, 2, 3))
    assert low < lift < high and 8 < lift < 22 and low > 0
    expect(page.locator("#uplift-table")).to_contain_text("Control (held out)")
    expect(page.locator("#uplift-revenue")).to_contain_text("$")
