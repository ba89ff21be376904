"""The campaign pages and API: who may use them, the editor, send now, the results page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from smtplib import SMTP
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from smartcrm.accounts.roles import Role
from smartcrm.campaigns import sending
from smartcrm.campaigns.models import Campaign, CampaignStatus
from smartcrm.core.mail_sink import start_sink

from .conftest import Inbox, customer, free_port

pytestmark = pytest.mark.django_db

XSS = "<script>alert(1)</script>"


def test_marketing_builds_previews_and_sends_a_campaign_in_the_ui(
    client_for: Callable[[Role], Client], smtp: Inbox
) -> None:
    for i in range(5):
        customer(country="CN", first_name=f"K{i}")
    customer(country="CN", language="zh-Hans", name="王伟")
    assert client_for(Role.SALES).get("/campaigns/").status_code == 403
    client = client_for(Role.MARKETING)
    assert client.get("/campaigns/").status_code == 200
    form = {
        "name": f"Spring {XSS}",
        "segment": "",
        "saved_filter": "country=CN&page=2",
        "subject_en": "Hi {{ first_name }}",
        "body_en": "Spring is here, {{ first_name }}.",
        "subject_zh": "{{ name }}，春天来了",
        "body_zh": "春天来了。",
        "sends_per_minute": "6000",
        "control_share": "0",
        "attribution_days": "7",
    }
    bad = client.post("/campaigns/new/", {**form, "body_en": "{{ secret }}"})
    assert bad.status_code == 200 and b"Unknown merge field" in bad.content
    made = client.post("/campaigns/new/", form)
    campaign = Campaign.objects.get()
    assert (
        made.status_code == 302 and campaign.saved_filter == {"country": "CN"} and campaign.control_share == 0
    )
    page = client.get(f"/campaigns/{campaign.pk}/")
    body = page.content.decode()
    assert XSS not in body and "&lt;script&gt;" in body
    assert "Hi K0" in body and "王伟，春天来了" in body and "Not sent yet." in body
    client.post(f"/campaigns/{campaign.pk}/schedule/", {"send_at": ""})
    campaign.refresh_from_db()
    assert campaign.status in (CampaignStatus.SENDING, CampaignStatus.SENT)
    sending.send_pending(campaign.pk)  # the test's on-commit hooks do not run the job
    assert len(smtp.mails) == 6
    page = client.get(f"/campaigns/{campaign.pk}/")
    assert b"Too few customers" in page.content and b'id="uplift-sentence"' in page.content


def test_scheduling_in_the_shop_time_zone_and_cancelling(
    client_for: Callable[[Role], Client], settings: Any
) -> None:
    settings.TIME_ZONE = "Asia/Shanghai"
    client = client_for(Role.MANAGER)
    client.post(
        "/campaigns/new/",
        {
            "name": "Later",
            "saved_filter": "country=US",
            "subject_en": "Hi",
            "body_en": "Hello",
            "sends_per_minute": "600",
            "control_share": "10",
            "attribution_days": "14",
        },
    )
    campaign = Campaign.objects.get()
    client.post(f"/campaigns/{campaign.pk}/schedule/", {"send_at": "2099-03-01T09:30"})
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SCHEDULED
    assert campaign.send_at is not None and campaign.send_at.isoformat() == "2099-03-01T01:30:00+00:00"
    client.post(f"/campaigns/{campaign.pk}/cancel/")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CANCELLED


def test_the_api_creates_schedules_and_reads_results(api_as: Callable[[Role], Any], smtp: Inbox) -> None:
    customer(country="US")
    assert api_as(Role.SUPPORT).get("/campaigns").status_code == 403
    api = api_as(Role.MARKETING)
    created = api.post(
        "/campaigns",
        {
            "name": "API",
            "saved_filter": {"country": "US"},
            "subject_en": "Hi",
            "body_en": "Hello",
            "control_share": 0,
        },
    )
    assert created.status_code == 201, created.content
    campaign_id = created.json()["id"]
    assert api.post("/campaigns", {"name": "x", "body_en": "{{ nope }}"}).status_code == 422
    assert api.get(f"/campaigns/{campaign_id}/preview").json()[0]["subject"] == "Hi"
    assert api.post(f"/campaigns/{campaign_id}/schedule", {}).json()["status"] == "sending"
    sending.send_pending(campaign_id)
    results = api.get(f"/campaigns/{campaign_id}/results").json()
    assert results["status_counts"]["sent"] == 1 and results["enough_data"] is False
    assert api.post(f"/campaigns/{campaign_id}/cancel", {}).status_code == 422


def test_the_outbox_lists_the_sinks_mail_masked_and_escaped(
    client_for: Any, settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    sink = start_sink()
    assert sink is not None and start_sink() is None  # a second sink finds the port taken
    try:
        with SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT) as smtp:
            smtp.sendmail(
                "shop@example.com",
                ["ann.lee@example.com"],
                b"To: ann.lee@example.com\r\nSubject: <script>alert(1)</script> hello\r\n"
                b"List-Unsubscribe: <https://x/u/1>\r\n\r\nHi",
            )
    finally:
        sink.stop()
    page = client_for(Role.MARKETING).get(reverse("web:mail_outbox")).content.decode()
    assert "ann.lee@example.com" not in page and "example.com" in page
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert client_for(Role.SUPPORT).get(reverse("web:mail_outbox")).status_code == 403
