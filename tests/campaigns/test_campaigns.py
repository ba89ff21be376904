"""Campaigns against a real SMTP server: who is mailed (consent and suppression at send time),
both unsubscribe headers, one-click unsubscribe, bounces and complaints, the timeline, the
holdout, workflows' add/remove, and the results against the control group."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

import pytest
from django.test import Client
from django.utils import timezone

from smartcrm.activities.models import Activity
from smartcrm.campaigns import feedback, selectors, sending, services
from smartcrm.campaigns.models import Campaign, CampaignSend, CampaignStatus, SendStatus, Suppression
from smartcrm.core.errors import ServiceValidationError
from smartcrm.core.pii import hash_for_lookup
from smartcrm.customers.models import Consent, ConsentStatus
from tests.factories import OrderFactory

from .conftest import Inbox, customer

pytestmark = pytest.mark.django_db

TEMPLATE = {
    "subject_en": '{{ first_name|default:"Friend" }}, we miss you',
    "body_en": "Hello {{ first_name }} from {{ city }}: 10% off this week.",
    "subject_zh": "{{ name }}，我们想念您",
    "body_zh": "您好 {{ name }}：本周九折。",
}


def _campaign(**values: Any) -> Campaign:
    return services.create_campaign(
        actor="test",
        values={
            "name": "Win back",
            "saved_filter": {"country": "US"},
            "control_share": 0.2,
            **TEMPLATE,
            **values,
        },
    )


def _unsubscribe_url(mail: Any) -> str:
    header = str(mail["List-Unsubscribe"])
    return next(p.strip(" <>") for p in header.split(",") if "https://" in p)


def test_a_campaign_mails_the_treatment_group_once_with_both_unsubscribe_headers(smtp: Inbox) -> None:
    mailed = [customer(country="US", first_name=f"C{i}") for i in range(40)]
    chinese = customer(country="US", language="zh-Hans", first_name="伟", last_name="王", name="王伟")
    customer(country="US", consent=None)  # never asked
    customer(country="US", consent=ConsentStatus.DENIED)
    customer(country="FR")  # not in the filter
    gone = customer(country="US")
    services.suppress(email=gone.email, reason="manual")
    campaign = _campaign()
    services.schedule_campaign(actor="test", campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENDING
    rows = CampaignSend.objects.filter(campaign=campaign)
    assert {r.customer_id for r in rows} == {c.pk for c in [*mailed, chinese]}
    held = {r.customer_id for r in rows if r.in_control}
    assert 0 < len(held) < 20 and all(r.status == SendStatus.HELD_OUT for r in rows if r.in_control)
    # Changed after planning, before sending: checked at send time.
    late_no, late_suppressed = [c for c in mailed if c.pk not in held][:2]
    Consent.objects.filter(customer=late_no).update(status=ConsentStatus.WITHDRAWN)
    services.suppress(email=late_suppressed.email, reason="manual")

    report = sending.send_pending(campaign.pk)

    expected = {c.email for c in [*mailed, chinese] if c.pk not in held} - {
        late_no.email,
        late_suppressed.email,
    }
    assert sorted(smtp.recipients) == sorted(expected) and report.sent == len(expected)
    assert report.skipped == {SendStatus.NO_CONSENT: 1, SendStatus.SUPPRESSED: 1}
    for mail in smtp.mails:
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        header = str(mail["List-Unsubscribe"])
        assert "<mailto:unsubscribe@shop.example?subject=unsubscribe%20" in header
        assert "<https://crm.shop.example/unsubscribe/" in header
        assert mail["From"] == "Shop <news@shop.example>"
        assert mail["Message-ID"].startswith(f"<smartcrm.c{campaign.pk}.s")
    by_to = {str(m["To"]): m for m in smtp.mails}
    if chinese.pk not in held:
        zh = by_to[chinese.email]
        assert zh["Subject"] == "王伟，我们想念您" and "退订" in zh.get_content()
    some = next(c for c in mailed if c.email in by_to)
    assert by_to[some.email]["Subject"] == f"{some.first_name}, we miss you"
    assert f"Hello {some.first_name} from Springfield" in by_to[some.email].get_content()
    assert Activity.objects.filter(customer=some, summary="Campaign email sent: Win back").count() == 1
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT
    # A second run sends nothing more.
    assert sending.send_pending(campaign.pk).sent == 0 and len(smtp.mails) == len(expected)


def test_one_click_post_unsubscribes_and_get_does_not(smtp: Inbox, client: Client) -> None:
    ann = customer(country="US", first_name="Ann")
    campaign = _campaign(control_share=0)
    services.schedule_campaign(actor="test", campaign=campaign)
    sending.send_pending(campaign.pk)
    path = urlparse(_unsubscribe_url(smtp.mails[0])).path
    page = client.get(path)
    assert page.status_code == 200 and b"Unsubscribe?" in page.content
    assert not Suppression.objects.exists()
    done = client.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert done.status_code == 200 and b"unsubscribed" in done.content
    assert Suppression.objects.get().email_hash == ann.email_hash
    assert Consent.objects.get(customer=ann).status == ConsentStatus.WITHDRAWN
    assert client.post(path).status_code == 200  # twice is harmless
    assert Activity.objects.filter(customer=ann, summary__startswith="Unsubscribed").count() == 1
    forged = path.replace("/unsubscribe/", "/unsubscribe/9").rstrip("/") + "x/"
    assert client.post(forged).status_code == 404


def _dsn(recipient: str, status: str, original_id: str) -> bytes:
    return (
        "From: MAILER-DAEMON@mx.example\r\nTo: news@shop.example\r\nSubject: Undelivered\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: {status}\r\n\r\n"
        f"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: {original_id}\r\n\r\n--B--\r\n"
    ).encode()


def _arf(recipient: str) -> bytes:
    return (
        "From: fbl@isp.example\r\nTo: news@shop.example\r\nSubject: Complaint\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=feedback-report; boundary="F"\r\n\r\n'
        "--F\r\nContent-Type: text/plain\r\n\r\nA complaint.\r\n"
        "--F\r\nContent-Type: message/feedback-report\r\n\r\n"
        f"Feedback-Type: abuse\r\nUser-Agent: isp/1.0\r\nVersion: 1\r\nOriginal-Rcpt-To: {recipient}\r\n\r\n"
        "--F--\r\n"
    ).encode()


def test_hard_bounces_and_complaints_suppress_and_soft_bounces_do_not(smtp: Inbox, settings: Any) -> None:
    bob, cat, dan, eve = (customer(country="US") for _ in range(4))
    assert feedback.receive_report(_dsn(bob.email, "4.2.2", "<x@y>")).suppressed == 0
    assert feedback.receive_report(_dsn(bob.email, "5.1.1", "<smartcrm.c1.s2@shop.example>")).suppressed == 1
    outcome = feedback.receive_report(_arf(cat.email))
    assert (outcome.kind, outcome.suppressed) == ("complaint", 1)
    assert Consent.objects.get(customer=cat).status == ConsentStatus.WITHDRAWN
    reasons = dict(Suppression.objects.values_list("email_hash", "reason"))
    assert reasons == {bob.email_hash: "bounced", cat.email_hash: "complained"}
    settings.SMARTCRM_CAMPAIGN_WEBHOOK_SECRET = "s3cret"
    client = Client()
    body = json.dumps([{"event": "bounce", "email": dan.email}, {"event": "complaint", "email": eve.email}])
    assert client.post("/hooks/campaigns/feedback", body, content_type="application/json").status_code == 403
    answer = client.post(
        "/hooks/campaigns/feedback",
        body,
        content_type="application/json",
        headers={"X-Smartcrm-Secret": "s3cret"},
    )
    assert answer.json() == {"suppressed": 2}
    # Nobody suppressed is mailed.
    campaign = _campaign(control_share=0)
    services.schedule_campaign(actor="test", campaign=campaign)
    sending.send_pending(campaign.pk)
    assert smtp.recipients == []


def test_a_mail_to_the_unsubscribe_address_unsubscribes(smtp: Inbox) -> None:
    ann = customer(country="US")
    campaign = _campaign(control_share=0)
    services.schedule_campaign(actor="test", campaign=campaign)
    sending.send_pending(campaign.pk)
    mailto = next(p.strip(" <>") for p in str(smtp.mails[0]["List-Unsubscribe"]).split(",") if "mailto:" in p)
    subject = mailto.partition("subject=")[2].replace("%20", " ").replace("%3A", ":")
    raw = f"From: {ann.email}\r\nTo: unsubscribe@shop.example\r\nSubject: {subject}\r\n\r\n\r\n".encode()
    assert feedback.receive_report(raw).kind == "unsubscribe"
    assert Suppression.objects.filter(email_hash=hash_for_lookup(ann.email)).exists()


def test_a_refused_recipient_fails_and_is_suppressed(smtp: Inbox, settings: Any) -> None:
    class Refuse(Inbox):
        async def handle_RCPT(
            self, server: Any, session: Any, envelope: Any, address: str, options: Any
        ) -> str:
            return "550 5.1.1 no such user"

    from aiosmtpd.controller import Controller

    from .conftest import free_port

    controller = Controller(Refuse(), hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_PORT = controller.port
    try:
        ann = customer(country="US")
        campaign = _campaign(control_share=0)
        services.schedule_campaign(actor="test", campaign=campaign)
        report = sending.send_pending(campaign.pk)
    finally:
        controller.stop()
    assert report.failed == 1 and CampaignSend.objects.get().status == SendStatus.FAILED
    assert Suppression.objects.get().email_hash == ann.email_hash


def test_workflows_add_and_remove_customers_once(smtp: Inbox) -> None:
    ann, bob = customer(first_name="Ann"), customer(first_name="Bob")
    campaign = services.create_campaign(
        actor="test", values={"name": "Welcome", "control_share": 0, **TEMPLATE}
    )
    services.schedule_campaign(actor="test", campaign=campaign)
    first = services.add_to_campaign(actor="workflow:1", campaign_id=campaign.pk, customer_id=ann.pk)
    again = services.add_to_campaign(actor="workflow:1", campaign_id=campaign.pk, customer_id=ann.pk)
    assert first.pk == again.pk
    services.add_to_campaign(actor="workflow:1", campaign_id=campaign.pk, customer_id=bob.pk)
    assert services.remove_from_campaign(actor="workflow:1", campaign_id=campaign.pk, customer_id=bob.pk)
    sending.send_pending(campaign.pk)
    assert smtp.recipients == [ann.email]
    assert not services.remove_from_campaign(actor="workflow:1", campaign_id=campaign.pk, customer_id=ann.pk)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENDING  # no audience of its own: stays open for workflows


def test_templates_are_checked_and_previewed_per_language() -> None:
    with pytest.raises(ServiceValidationError) as bad:
        _campaign(body_en="Hi {{ password }}")
    assert "body_en" in bad.value.errors
    with pytest.raises(ServiceValidationError):
        _campaign(control_share=0.9)
    customer(country="US", first_name="Ann", name="Ann Lee")
    customer(country="US", language="zh-Hans", name="王伟")
    shown = selectors.preview(_campaign())
    assert [(p.language, p.subject) for p in shown] == [
        ("en", "Ann, we miss you"),
        ("zh-Hans", "王伟，我们想念您"),
    ]


def test_results_compare_treatment_with_the_holdout(smtp: Inbox) -> None:
    campaign = _campaign(control_share=0.5)
    people = [customer(country="US") for _ in range(300)]
    services.schedule_campaign(actor="test", campaign=campaign)
    rows = dict(CampaignSend.objects.filter(campaign=campaign).values_list("customer_id", "in_control"))
    started = Campaign.objects.get(pk=campaign.pk).started_at
    assert started is not None
    # Planted: 30% of the treated buy in the window, 10% of the control group; one order after it.
    treated = [c for c in people if not rows[c.pk]]
    control = [c for c in people if rows[c.pk]]
    for group, share in ((treated, 0.3), (control, 0.1)):
        for c in group[: int(len(group) * share)]:
            OrderFactory(customer=c, placed_at=started + timedelta(days=2), total=Decimal("50.00"))
    OrderFactory(customer=control[-1], placed_at=started + timedelta(days=30), total=Decimal("999"))
    result = selectors.results(Campaign.objects.get(pk=campaign.pk))
    assert result.estimate is not None and result.estimate.enough_data
    assert result.estimate.lift_pp == pytest.approx(
        100 * (int(len(treated) * 0.3) / len(treated) - int(len(control) * 0.1) / len(control))
    )
    assert result.estimate.lift_low_pp > 0 and "pp, 95% CI" in result.sentence and "$" in result.sentence
    small = _campaign(saved_filter={"country": "NZ"})
    customer(country="NZ")
    services.schedule_campaign(actor="test", campaign=small)
    assert selectors.results(Campaign.objects.get(pk=small.pk)).sentence.startswith("Too few customers")
    assert timezone.now() >= started
