"""Outbound webhooks to a real local HTTP receiver: signature, PII scope, retries with
backoff run for real (short base), the delivery log, redelivery, and the SSRF gate."""

from __future__ import annotations

import json
import logging
import random
import time
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from smartcrm.core import recovery
from smartcrm.customers.services import create_customer
from smartcrm.integrations import outbound
from smartcrm.integrations.models import OutboundDelivery, OutboundEvent, OutboundStatus
from smartcrm.integrations.signing import sign_outbound, verify_outbound
from smartcrm.orders.services import LineInput, create_order
from tests import factories
from tests.integrations.receiver import Receiver, running

pytestmark = pytest.mark.django_db

SECRET = "whsec_test_secret_value"


@pytest.fixture
def local_targets(settings: Any) -> Any:
    settings.SMARTCRM_WEBHOOKS_ALLOW_PRIVATE = True
    settings.SMARTCRM_WEBHOOK_RETRY_BASE = 0.05
    settings.SMARTCRM_WEBHOOK_RETRY_CAP = 0.2
    settings.SMARTCRM_WEBHOOK_MAX_ATTEMPTS = 4
    return settings


def _endpoint(url: str, *, events: list[str] | None = None, include_pii: bool = False) -> Any:
    return outbound.create_endpoint(
        actor="test",
        name="receiver",
        url=url,
        event_types=events or ["*"],
        include_pii=include_pii,
        secret=SECRET,
    )


def _publish(
    capture: Any, event_type: str = "thing.happened", data: dict[str, Any] | None = None, **kw: Any
) -> Any:
    with capture(execute=True):
        return outbound.publish(event_type, data or {"id": 7}, **kw)


# --- signing ----------------------------------------------------------------------------------


def test_the_signature_verifies_and_refuses_tampering_and_old_timestamps() -> None:
    body = b'{"id":"evt_1"}'
    header = sign_outbound(SECRET, body, timestamp=1_700_000_000)
    assert header.startswith("t=1700000000,v1=")
    assert verify_outbound(SECRET, body, header, now=1_700_000_100)
    assert not verify_outbound(SECRET, body + b" ", header, now=1_700_000_100)
    assert not verify_outbound("other", body, header, now=1_700_000_100)
    assert not verify_outbound(SECRET, body, header, now=1_700_000_000 + 301)  # replayed later
    assert not verify_outbound(SECRET, body, "v1=abc", now=1_700_000_000)


# --- the retry schedule -------------------------------------------------------------------------


def test_backoff_doubles_with_equal_jitter_and_a_cap() -> None:
    rng = random.Random(7)
    for attempt in range(1, 12):
        ceiling = min(3600.0, 30.0 * 2 ** (attempt - 1))
        delays = [outbound.backoff_seconds(attempt, base=30, cap=3600, rng=rng) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert max(delays) - min(delays) > ceiling / 4  # jitter spreads the retries
    assert outbound.retry_schedule(4, base=30, cap=100) == [(15, 30), (30, 60), (50, 100)]


# --- delivery to a real receiver -------------------------------------------------------------


def test_an_event_reaches_the_receiver_signed_and_the_log_says_so(
    local_targets: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with running(Receiver(secret=SECRET)) as receiver:
        endpoint = _endpoint(receiver.url, events=["thing.happened"])
        event = _publish(django_capture_on_commit_callbacks, data={"id": 7, "total": Decimal("9.50")})
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert request.signature_ok
    assert request.headers["X-Smartcrm-Event"] == "thing.happened"
    assert request.headers["X-Smartcrm-Event-Id"] == event.uid
    body = json.loads(request.body)
    assert body == {
        "id": event.uid,
        "type": "thing.happened",
        "created": body["created"],
        "data": {"id": 7, "total": "9.50"},
    }
    delivery = OutboundDelivery.objects.get()
    assert (delivery.endpoint_id, delivery.status, delivery.response_code, delivery.attempts) == (
        endpoint.pk,
        OutboundStatus.SUCCEEDED,
        200,
        1,
    )
    assert delivery.duration_ms is not None
    assert delivery.delivered_at is not None
    assert delivery.next_retry_at is None


def test_endpoints_get_only_the_events_they_chose(
    local_targets: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with running(Receiver(secret=SECRET)) as receiver:
        _endpoint(receiver.url, events=["order.created"])
        assert _publish(django_capture_on_commit_callbacks, "customer.created") is None
    assert receiver.requests == []
    assert OutboundEvent.objects.count() == 0


def test_pii_goes_only_to_endpoints_allowed_to_see_it(
    local_targets: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with running(Receiver(secret=SECRET)) as plain, running(Receiver(secret=SECRET)) as trusted:
        _endpoint(plain.url)
        _endpoint(trusted.url, include_pii=True)
        with django_capture_on_commit_callbacks(execute=True):
            create_customer(
                actor="test",
                values={
                    "first_name": "Grace",
                    "last_name": "Sample",
                    "email": "grace.sample@example.com",
                    "city": "Oslo",
                },
            )
    plain_data = json.loads(plain.requests[0].body)["data"]
    trusted_data = json.loads(trusted.requests[0].body)["data"]
    assert plain_data["city"] == "Oslo"
    assert not {"email", "name", "first_name", "last_name", "phone", "street_address"} & set(plain_data)
    assert b"grace" not in plain.requests[0].body.lower()
    assert (trusted_data["email"], trusted_data["name"]) == ("grace.sample@example.com", "Grace Sample")
    # A generic publish that puts PII in its data has it moved out of reach as well.
    with running(Receiver(secret=SECRET)) as receiver:
        OutboundDelivery.objects.all().delete()
        from smartcrm.integrations.models import WebhookEndpoint

        WebhookEndpoint.objects.all().delete()
        _endpoint(receiver.url)
        _publish(django_capture_on_commit_callbacks, data={"id": 1, "email": "x.person@example.com"})
    assert json.loads(receiver.requests[0].body)["data"] == {"id": 1}


def test_model_events_carry_the_committed_row(
    local_targets: Any, django_capture_on_commit_callbacks: Any
) -> None:
    customer = factories.CustomerFactory()
    product = factories.ProductFactory(price=Decimal("10.00"))
    with running(Receiver(secret=SECRET)) as receiver:
        _endpoint(receiver.url, events=["order.created", "refund.created"])
        with django_capture_on_commit_callbacks(execute=True):
            order = create_order(actor="test", customer=customer, lines=[LineInput(product.pk, 3)])
    assert [json.loads(r.body)["type"] for r in receiver.requests] == ["order.created"]
    data = json.loads(receiver.requests[0].body)["data"]
    # The order row is saved before its lines; the event is built after the commit.
    assert (data["id"], data["total"], len(data["lines"])) == (order.pk, "30.00", 1)


# --- retries --------------------------------------------------------------------------------------


def _drain(deadline: float = 10.0) -> None:
    """Run due retries as the sweep would, waiting for each next_retry_at for real."""
    stop = time.monotonic() + deadline
    while OutboundDelivery.objects.filter(
        status__in=[OutboundStatus.RETRYING, OutboundStatus.PENDING]
    ).exists():
        assert time.monotonic() < stop, "retries did not finish"
        time.sleep(0.02)
        outbound.send_due()


def test_a_failing_receiver_is_retried_with_backoff_until_it_gives_up(
    local_targets: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with running(Receiver(secret=SECRET, script=[500])) as receiver:
        _endpoint(receiver.url)
        _publish(django_capture_on_commit_callbacks)
        delivery = OutboundDelivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.response_code) == (
            OutboundStatus.RETRYING,
            1,
            500,
        )
        assert delivery.next_retry_at is not None
        _drain()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (OutboundStatus.FAILED, 4, "HTTP 500")
    assert delivery.next_retry_at is None
    assert len(receiver.requests) == 4
    gaps = [b.at - a.at for a, b in zip(receiver.requests, receiver.requests[1:], strict=False)]
    for n, gap in enumerate(gaps, start=1):
        assert gap >= min(0.2, 0.05 * 2 ** (n - 1)) / 2  # never sooner than the backoff allows
    assert all(r.signature_ok for r in receiver.requests)


def test_a_receiver_that_recovers_gets_the_event_once(
    local_targets: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with running(Receiver(secret=SECRET, script=[503, 502, 200])) as receiver:
        _endpoint(receiver.url)
        _publish(django_capture_on_commit_callbacks)
        _drain()
        outbound.send_due()  # nothing left to do
    delivery = OutboundDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (OutboundStatus.SUCCEEDED, 3, 200)
    assert len(receiver.requests) == 3
    assert len({json.loads(r.body)["id"] for r in receiver.requests}) == 1  # the same event id


def test_an_unreachable_endpoint_is_retried_and_logged(
    local_targets: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with running(Receiver()) as receiver:
        url = receiver.url  # a port that is closed once the receiver stops
    _endpoint(url)
    _publish(django_capture_on_commit_callbacks)
    delivery = OutboundDelivery.objects.get()
    assert delivery.status == OutboundStatus.RETRYING
    assert delivery.response_code is None
    assert "could not reach" in delivery.last_error


def test_a_redirect_is_not_followed(local_targets: Any, django_capture_on_commit_callbacks: Any) -> None:
    with (
        running(Receiver(secret=SECRET)) as inside,
        running(Receiver(secret=SECRET, script=[302])) as receiver,
    ):
        receiver.redirect_to = inside.url
        _endpoint(receiver.url)
        _publish(django_capture_on_commit_callbacks)
    assert inside.requests == []
    assert OutboundDelivery.objects.get().response_code == 302


def test_redeliver_sends_the_same_event_again_as_a_new_log_entry(
    local_targets: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with running(Receiver(secret=SECRET)) as receiver:
        _endpoint(receiver.url)
        _publish(django_capture_on_commit_callbacks)
        first = OutboundDelivery.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            again = outbound.redeliver(actor="test", delivery=first)
    again.refresh_from_db()
    assert (again.redelivery_of_id, again.status) == (first.pk, OutboundStatus.SUCCEEDED)
    assert [json.loads(r.body)["id"] for r in receiver.requests] == [first.event.uid] * 2


def test_a_delivered_or_abandoned_delivery_is_not_sent_again(
    local_targets: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with running(Receiver(secret=SECRET)) as receiver:
        _endpoint(receiver.url)
        _publish(django_capture_on_commit_callbacks)
        delivery = OutboundDelivery.objects.get()
        assert outbound.attempt(delivery.pk).status == OutboundStatus.SUCCEEDED
    assert len(receiver.requests) == 1


# --- SSRF -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "http://100.64.0.1/hook",
    ],
)
def test_private_and_loopback_targets_are_refused(url: str) -> None:
    from smartcrm.core.errors import ServiceValidationError

    with pytest.raises(ServiceValidationError) as refused:
        _endpoint(url)
    assert "private, loopback or reserved" in refused.value.errors["url"]


@pytest.mark.parametrize(
    "url", ["ftp://203.0.113.5/x", "file:///etc/passwd", "http://user:pw@8.8.8.8/", "http:///x"]
)
def test_other_schemes_credentials_and_hostless_urls_are_refused(url: str) -> None:
    from smartcrm.core.errors import ServiceValidationError

    with pytest.raises(ServiceValidationError):
        _endpoint(url)


def test_a_public_address_is_accepted() -> None:
    assert _endpoint("https://8.8.8.8/hook").pk


def test_a_target_that_became_private_is_refused_at_send_time(
    local_targets: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with running(Receiver(secret=SECRET)) as receiver:
        _endpoint(receiver.url)
        local_targets.SMARTCRM_WEBHOOKS_ALLOW_PRIVATE = False
        _publish(django_capture_on_commit_callbacks)
    delivery = OutboundDelivery.objects.get()
    assert receiver.requests == []
    assert delivery.status == OutboundStatus.FAILED
    assert delivery.last_error.startswith("refused")


# --- logs -------------------------------------------------------------------------------------


def test_no_pii_in_the_logs_of_delivery(
    local_targets: Any, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    with caplog.at_level(logging.DEBUG), running(Receiver(secret=SECRET, script=[500, 200])) as receiver:
        _endpoint(receiver.url, include_pii=True)
        with django_capture_on_commit_callbacks(execute=True):
            create_customer(
                actor="test",
                values={
                    "first_name": "Hedy",
                    "last_name": "Sample",
                    "email": "hedy.sample@example.com",
                    "phone": "+12025550199",
                },
            )
        _drain()
    assert b"hedy.sample@example.com" in receiver.requests[-1].body
    assert "webhook delivery" in caplog.text
    for secret in ("hedy", "Hedy", "2025550199", SECRET):
        assert secret not in caplog.text


def test_an_insights_alert_is_published_when_that_app_is_installed(
    local_targets: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.apps import apps

    if not apps.is_installed("smartcrm.insights"):
        pytest.skip("smartcrm.insights is not installed")
    from smartcrm.insights.events import alert_created

    alert_model = apps.get_model("insights", "Alert")
    alert = alert_model.objects.create(
        key="test:metric:revenue:2026-03-01",
        kind="metric",
        metric="revenue",
        first_day="2026-03-01",
        last_day="2026-03-01",
        severity="high",
        score=4.2,
        explanation="Revenue far below the forecast",
    )
    with running(Receiver(secret=SECRET)) as receiver:
        _endpoint(receiver.url, events=["alert.created"])
        with django_capture_on_commit_callbacks(execute=True):
            alert_created(alert.pk)
    (request,) = receiver.requests
    body = json.loads(request.body)
    assert body["type"] == "alert.created"
    assert {k: body["data"][k] for k in ("id", "metric", "severity")} == {
        "id": alert.pk,
        "metric": "revenue",
        "severity": "high",
    }
    assert "explanation" not in body["data"]  # free text: only for endpoints allowed PII


def test_the_sweeper_sends_again_what_a_dead_worker_left_sending_or_pending(
    local_targets: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with running(Receiver(secret=SECRET)) as receiver:
        _endpoint(receiver.url)
        with django_capture_on_commit_callbacks(execute=False):  # the worker died holding the tasks
            events = [outbound.publish("thing.happened", {"id": i}) for i in range(3)]
        lost, sending, fresh = (OutboundDelivery.objects.get(event=e) for e in events)
        long_ago = timezone.now() - outbound.sender_lost_after() - timedelta(seconds=1)
        OutboundDelivery.objects.filter(pk=lost.pk).update(created_at=long_ago)
        OutboundDelivery.objects.filter(pk=sending.pk).update(
            status=OutboundStatus.SENDING, attempts=1, last_attempt_at=long_ago
        )
        OutboundDelivery.objects.filter(pk=fresh.pk).update(
            status=OutboundStatus.SENDING, attempts=1, last_attempt_at=timezone.now()
        )
        assert recovery.sweep()["webhooks"] == 2
        assert recovery.sweep()["webhooks"] == 0  # once
    statuses = dict(OutboundDelivery.objects.values_list("pk", "status"))
    assert statuses == {
        lost.pk: OutboundStatus.SUCCEEDED,
        sending.pk: OutboundStatus.SUCCEEDED,
        fresh.pk: OutboundStatus.SENDING,  # its sender may still be waiting for the answer
    }
    assert sorted(r.headers["X-Smartcrm-Event-Id"] for r in receiver.requests) == sorted(
        [events[0].uid, events[1].uid]
    )
