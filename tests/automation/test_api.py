"""The workflows API and the inbound webhook URL: who may do what, versions, runs and retry."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from smartcrm.accounts.roles import Role
from smartcrm.automation.models import RunStatus, WorkflowRun
from tests import factories
from tests.api.client import ApiClient

pytestmark = pytest.mark.django_db

DEFINITION = {
    "name": "VIP welcome",
    "trigger": {"type": "manual"},
    "conditions": {"field": "customer.total_spent", "op": ">=", "value": 100},
    "steps": [{"action": "add_tag", "tag": "vip"}],
    "enabled": True,
}


def test_marketing_builds_and_starts_a_workflow_support_reads_its_runs(
    api_as: Callable[[Role], ApiClient], django_capture_on_commit_callbacks: Any
) -> None:
    marketing, support = api_as(Role.MARKETING), api_as(Role.SUPPORT)
    assert support.post("/workflows", DEFINITION).status_code == 403
    created = marketing.post("/workflows", DEFINITION)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["version"] == 1 and body["conditions_sentence"] == "customer total spent is at least 100"
    assert body["inbound_path"].startswith("/hooks/workflows/")
    changed = marketing.patch(f"/workflows/{body['id']}", {"steps": [{"action": "add_tag", "tag": "vip2"}]})
    assert changed.json()["version"] == 2 and "inbound_path" not in changed.json()
    rich, poor = factories.CustomerFactory(total_spent=500), factories.CustomerFactory(total_spent=5)
    with django_capture_on_commit_callbacks(execute=True):
        started = marketing.post(f"/workflows/{body['id']}/start", {"customer_ids": [rich.pk, poor.pk]})
    assert started.status_code == 202 and [r["customer_id"] for r in started.json()] == [rich.pk]
    runs = support.get("/workflows/runs").json()["items"]
    assert [r["status"] for r in runs] == [RunStatus.SUCCEEDED]
    detail = support.get(f"/workflows/runs/{runs[0]['id']}").json()
    assert [s["kind"] for s in detail["steps"]] == ["add_tag"] and detail["version"] == 2
    assert support.post(f"/workflows/runs/{runs[0]['id']}/retry").status_code == 403
    assert marketing.post(f"/workflows/runs/{runs[0]['id']}/retry").status_code == 422  # not failed
    assert api_as(Role.SALES).get("/workflows").status_code == 403


def test_a_bad_definition_is_a_validation_error(admin_api: ApiClient) -> None:
    answer = admin_api.post("/workflows", DEFINITION | {"steps": [{"action": "launch_rocket"}]})
    assert answer.status_code == 422
    assert "steps[0].action" in json.dumps(answer.json())


def test_the_inbound_url_starts_a_webhook_workflow_once_per_key(
    admin_api: ApiClient, django_capture_on_commit_callbacks: Any
) -> None:
    created = admin_api.post(
        "/workflows", DEFINITION | {"trigger": {"type": "webhook"}, "conditions": {}}
    ).json()
    client, customer = Client(), factories.CustomerFactory()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            answer = client.post(
                created["inbound_path"],
                data=json.dumps({"customer_id": customer.pk}),
                content_type="application/json",
                headers={"Idempotency-Key": "evt-1"},
            )
        assert answer.status_code == 202
    assert WorkflowRun.objects.get().customer_id == customer.pk
    assert (
        client.post("/hooks/workflows/not-a-token", data="{}", content_type="application/json").status_code
        == 404
    )
    assert client.post(created["inbound_path"], data="[", content_type="application/json").status_code == 400
