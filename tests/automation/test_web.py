"""The workflow pages: build one, add a step, enable it, start it, read its run log, retry."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from smartcrm.accounts.roles import Role
from smartcrm.automation.models import RunStatus, Workflow, WorkflowRun
from tests import factories

pytestmark = pytest.mark.django_db


def test_build_enable_start_and_read_the_run_log(
    client_for: Callable[[Role], Client], django_capture_on_commit_callbacks: Any
) -> None:
    marketing = client_for(Role.MARKETING)
    page = marketing.get("/workflows/new/")
    assert page.status_code == 200 and b"workflow-form" in page.content
    bad = marketing.post("/workflows/new/", {"name": "x", "trigger": "{", "conditions": "{}", "steps": "[]"})
    assert bad.status_code == 400 and b"Not valid JSON" in bad.content
    answer = marketing.post(
        "/workflows/new/",
        {
            "name": "Win-back",
            "trigger": json.dumps({"type": "manual"}),
            "conditions": json.dumps({"field": "customer.country", "op": "=", "value": "DE"}),
            "steps": json.dumps([{"action": "add_tag", "tag": "winback"}]),
        },
    )
    workflow = Workflow.objects.get()
    assert answer.status_code == 302 and answer.url == f"/workflows/{workflow.pk}/"
    marketing.post(
        f"/workflows/{workflow.pk}/steps/", {"action": "create_task", "detail": "Call {{ first_name }}"}
    )
    marketing.post(f"/workflows/{workflow.pk}/toggle/")
    editor = marketing.get(f"/workflows/{workflow.pk}/").content.decode()
    assert "customer country is “DE”" in editor and "Create a task “Call {{ first_name }}”" in editor
    assert "Version 2" in editor and "enabled" in editor
    customer = factories.CustomerFactory(country="DE", first_name="Jonas")
    with django_capture_on_commit_callbacks(execute=True):
        started = marketing.post(f"/workflows/{workflow.pk}/start/", {"customer_ids": str(customer.pk)})
    run = WorkflowRun.objects.get()
    assert started.url == f"/workflows/runs/{run.pk}/" and run.status == RunStatus.SUCCEEDED
    support = client_for(Role.SUPPORT)
    log = support.get(f"/workflows/runs/{run.pk}/").content.decode()
    assert "add_tag" in log and "create_task" in log and "Call Jonas" not in log  # inputs, not PII
    assert support.post(f"/workflows/{workflow.pk}/toggle/").status_code == 403
    assert support.get("/workflows/").status_code == 200
    assert client_for(Role.SALES).get("/workflows/").status_code == 403
