"""The webhooks API (validated against the OpenAPI document) and the integrations page."""

from __future__ import annotations

from typing import Any

import pytest

from smartcrm.accounts.models import User
from smartcrm.accounts.roles import Role
from smartcrm.accounts.services import create_api_token
from smartcrm.integrations import outbound
from smartcrm.integrations.models import InboundDelivery, InboundStatus, OutboundDelivery, WebhookEndpoint
from tests.api.client import ApiClient
from tests.integrations.conftest import payload
from tests.integrations.receiver import Receiver, running

pytestmark = pytest.mark.django_db


def _user(role: Role) -> User:
    """A staff user without a password (hashing one costs a second on this machine)."""
    user = User(username=f"{role.value}-integrations", role=role)
    user.set_unusable_password()
    user.save()
    return user


@pytest.fixture
def api_as(db: Any) -> Any:
    def make(role: Role) -> ApiClient:
        user = _user(role)
        return ApiClient(create_api_token(user=user, name="test")[1], user=user)

    return make


@pytest.fixture
def admin_api(api_as: Any) -> ApiClient:
    return api_as(Role.ADMIN)


@pytest.fixture
def local(settings: Any) -> Any:
    settings.SMARTCRM_WEBHOOKS_ALLOW_PRIVATE = True
    return settings


def test_an_endpoint_is_created_with_its_secret_shown_once_and_managed(
    admin_api: Any,
    local: Any,
) -> None:
    created = admin_api.post(
        "/webhooks/endpoints",
        {"name": "ERP", "url": "http://127.0.0.1:9/hook", "event_types": ["order.created", "refund.created"]},
    )
    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert body["include_pii"] is False
    endpoint_id = body["id"]
    listed = admin_api.get("/webhooks/endpoints").json()
    assert [e["id"] for e in listed] == [endpoint_id]
    assert "secret" not in listed[0]
    patched = admin_api.patch(
        f"/webhooks/endpoints/{endpoint_id}", {"is_active": False, "event_types": ["*"]}
    )
    assert (patched.json()["is_active"], patched.json()["event_types"]) == (False, ["*"])
    unchanged = admin_api.patch(f"/webhooks/endpoints/{endpoint_id}", {"is_active": False})
    assert unchanged.status_code == 200
    rotated = admin_api.post(f"/webhooks/endpoints/{endpoint_id}/rotate-secret").json()["secret"]
    assert rotated != body["secret"]
    assert WebhookEndpoint.objects.get().secret == rotated
    assert admin_api.delete(f"/webhooks/endpoints/{endpoint_id}").status_code == 204
    assert admin_api.get(f"/webhooks/endpoints/{endpoint_id}").status_code == 404


def test_bad_endpoints_are_422_by_field(admin_api: Any) -> None:
    response = admin_api.post(
        "/webhooks/endpoints", {"name": "", "url": "http://169.254.169.254/", "event_types": ["nope"]}
    )
    assert response.status_code == 422
    fields = {item["loc"][-1] for item in response.json()["detail"]}
    assert fields == {"name", "url", "event_types"}


@pytest.mark.parametrize("role", [Role.SALES, Role.SUPPORT, Role.MARKETING, Role.ANALYST])
def test_only_admins_and_managers_manage_integrations(api_as: Any, role: Role) -> None:
    client = api_as(role)
    assert client.get("/webhooks/endpoints").status_code == 403
    assert client.get("/webhooks/deliveries").status_code == 403
    assert client.get("/webhooks/inbound").status_code == 403
    assert api_as(Role.MANAGER).get("/webhooks/endpoints").status_code == 200


def test_the_delivery_log_and_redeliver(
    admin_api: Any,
    local: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with running(Receiver(secret="whsec_api_test_secret")) as receiver:
        endpoint = outbound.create_endpoint(
            actor="test", name="r", url=receiver.url, event_types=["*"], secret="whsec_api_test_secret"
        )
        with django_capture_on_commit_callbacks(execute=True):
            event = outbound.publish("thing.happened", {"id": 1})
        log = admin_api.get(f"/webhooks/deliveries?endpoint_id={endpoint.pk}").json()
        assert log["has_next"] is False
        (entry,) = log["items"]
        assert (entry["status"], entry["response_code"], entry["attempts"], entry["event_id"]) == (
            "succeeded",
            200,
            1,
            event.uid,
        )
        with django_capture_on_commit_callbacks(execute=True):
            again = admin_api.post(f"/webhooks/deliveries/{entry['id']}/redeliver")
        assert again.status_code == 202
        assert again.json()["redelivery_of_id"] == entry["id"]
    assert len(receiver.requests) == 2
    assert OutboundDelivery.objects.count() == 2
    assert admin_api.get("/webhooks/deliveries?status=failed").json()["items"] == []
    types = admin_api.get("/webhooks/event-types").json()
    assert "order.created" in types["event_types"]
    assert len(types["retry_schedule_seconds"]) == 7


def test_the_inbound_log_shows_field_errors_never_payloads_and_replays(
    admin_api: Any,
    send: Any,
    shopify: Any,
) -> None:
    broken = payload("shopify", "orders_create")
    broken["line_items"][0].pop("price")
    send(shopify, "orders/create", broken, delivery_id="x")
    assert admin_api.get("/webhooks/connections").json()[0]["webhook_path"] == f"/hooks/shopify/{shopify.pk}"
    (entry,) = admin_api.get("/webhooks/inbound?status=failed").json()["items"]
    assert entry["errors"] == {"line_items[0].price": "This field is required."}
    assert "payload" not in entry
    assert "ada.example" not in str(entry)
    replayed = admin_api.post(f"/webhooks/inbound/{entry['id']}/replay")
    assert replayed.status_code == 202
    assert InboundDelivery.objects.get().status == InboundStatus.RECEIVED


def test_the_page_lists_connections_endpoints_and_deliveries(
    client: Any, local: Any, shopify: Any, send: Any, django_capture_on_commit_callbacks: Any
) -> None:
    send(shopify, "customers/create", payload("shopify", "customers_create"), delivery_id="c")
    with running(Receiver(script=[500])) as receiver:
        outbound.create_endpoint(actor="test", name="Warehouse <b>", url=receiver.url, event_types=["*"])
        with django_capture_on_commit_callbacks(execute=True):
            outbound.publish("thing.happened", {"id": 1})
    client.force_login(_user(Role.MANAGER))
    page = client.get("/integrations/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "example-shop.myshopify.com" in html
    assert f"/hooks/shopify/{shopify.pk}" in html
    assert "Warehouse &lt;b&gt;" in html  # escaped
    assert "customers/create" in html
    assert "HTTP 500" in html
    assert "ada.example" not in html
    assert "whsec_" not in html
    delivery = OutboundDelivery.objects.get()
    with running(Receiver()) as receiver:
        WebhookEndpoint.objects.update(url=receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/integrations/deliveries/{delivery.pk}/redeliver/")
    assert response.status_code == 302
    assert OutboundDelivery.objects.filter(redelivery_of=delivery, status="succeeded").exists()
    client.force_login(_user(Role.SUPPORT))
    assert client.get("/integrations/").status_code == 403
    assert client.post(f"/integrations/deliveries/{delivery.pk}/redeliver/").status_code == 403
