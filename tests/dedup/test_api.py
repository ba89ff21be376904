"""The duplicates API: every response checked against the OpenAPI document (tests/api/openapi.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from smartcrm.accounts.roles import Role
from smartcrm.customers.models import Customer
from smartcrm.dedup.models import DedupRun, DuplicatePair, PairState, RunState
from tests.api.client import ApiClient
from tests.dedup.conftest import Twins


@pytest.fixture
def pair(twins: Twins) -> DuplicatePair:
    s, m = twins.survivor, twins.merged
    return DuplicatePair.objects.create(
        left_id=min(s.pk, m.pk), right_id=max(s.pk, m.pk), probability=0.93, found_at=s.created_at,
        evidence={"email": {"level": "similar mailbox", "weight": -2.7},
                  "phone": {"level": "missing", "weight": -0.6}},
    )  # fmt: skip


def test_review_merge_and_undo_through_the_api(
    admin_api: ApiClient, pair: DuplicatePair, twins: Twins
) -> None:
    queue = admin_api.get("/duplicates").json()
    assert [p["id"] for p in queue["items"]] == [pair.pk]
    assert queue["items"][0]["left"]["name"] and "email" not in queue["items"][0]["left"]
    assert admin_api.get(f"/duplicates/{pair.pk}").json()["evidence"]["email"]["level"] == "similar mailbox"

    merged = admin_api.post(f"/duplicates/{pair.pk}/merge", {"choices": {"address": "survivor"}})
    assert merged.status_code == 200
    body = merged.json()
    assert body["survivor_id"] == twins.survivor.pk and body["moved"]["orders.order"] == 1
    assert body["choices"]["address"] == {"kept": "survivor", "rule": "chosen"}
    assert not Customer.objects.filter(pk=twins.merged.pk).exists()
    done = admin_api.get("/duplicates?state=merged").json()["items"][0]
    gone = done["left"] if done["left"]["id"] == twins.merged.pk else done["right"]
    assert gone["name"] is None  # the merged customer no longer exists
    assert admin_api.post(f"/duplicates/{pair.pk}/merge", {}).status_code == 422  # not pending any more

    history = admin_api.get("/duplicates/merges").json()["items"]
    assert history[0]["id"] == body["id"]
    undone = admin_api.post(f"/duplicates/merges/{body['id']}/undo")
    assert undone.status_code == 200 and undone.json()["state"] == "undone"
    assert Customer.objects.filter(pk=twins.merged.pk).exists()
    assert admin_api.post(f"/duplicates/merges/{body['id']}/undo").status_code == 422


def test_reject(admin_api: ApiClient, pair: DuplicatePair) -> None:
    response = admin_api.post(f"/duplicates/{pair.pk}/reject")
    assert response.status_code == 200 and response.json()["state"] == "rejected"
    assert admin_api.get("/duplicates").json()["items"] == []


def test_bad_merge_input_is_a_field_error(admin_api: ApiClient, pair: DuplicatePair) -> None:
    assert admin_api.post(f"/duplicates/{pair.pk}/merge", {"choices": {"email": "both"}}).status_code == 422
    response = admin_api.post(f"/duplicates/{pair.pk}/merge", {"survivor_id": 999_999})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "survivor_id"
    assert admin_api.post("/duplicates/999999/merge", {}).status_code == 404
    DuplicatePair.objects.filter(pk=pair.pk).update(state=PairState.PENDING)


def test_run_and_check_one_customer(
    admin_api: ApiClient, twins: Twins, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post("/duplicates/runs", {"auto_merge": False})
    assert response.status_code == 202
    run = admin_api.get(f"/duplicates/runs/{response.json()['id']}").json()
    assert run["state"] == "done" and run["customers"] == 2
    assert admin_api.post(f"/duplicates/runs/{run['id']}/resume").status_code == 422  # done
    DedupRun.objects.filter(pk=run["id"]).update(state=RunState.INTERRUPTED)  # its worker died
    with django_capture_on_commit_callbacks(execute=True):
        resumed = admin_api.post(f"/duplicates/runs/{run['id']}/resume")
    assert resumed.status_code == 202
    assert admin_api.get(f"/duplicates/runs/{run['id']}").json()["state"] == "done"
    matches = admin_api.get(f"/duplicates/matches/{twins.merged.pk}").json()
    assert isinstance(matches, list)
    assert admin_api.get("/duplicates/matches/999999").status_code == 404


@pytest.mark.parametrize("role", [Role.SALES, Role.SUPPORT, Role.MARKETING, Role.ANALYST])
def test_roles_without_merge_customers_are_refused(
    api_as: Callable[[Role], ApiClient], role: Role, pair: DuplicatePair
) -> None:
    client = api_as(role)
    assert client.get("/duplicates").status_code == 403
    assert client.post(f"/duplicates/{pair.pk}/merge", {}).status_code == 403
    assert client.post("/duplicates/merges/1/undo").status_code == 403


def test_anonymous_is_refused(anonymous_api: ApiClient) -> None:
    assert anonymous_api.get("/duplicates").status_code == 401


def test_data_quality_report_and_fix(api_as: Callable[[Role], ApiClient], db: Any) -> None:
    from tests import factories

    shouty = factories.CustomerFactory(first_name="ANN", last_name="LEE", email="Ann.Lee@Example.com")
    report = api_as(Role.ANALYST).get("/data-quality").json()
    email = next(i for i in report if i["check"] == "not lower case / has spaces")
    assert email["count"] == 1 and "Ann.Lee" not in email["examples"][0]["value"]  # masked for analysts
    assert api_as(Role.ANALYST).post("/data-quality/fixes/lower_emails", {"preview": True}).status_code == 403

    admin = api_as(Role.ADMIN)
    preview = admin.post("/data-quality/fixes/title_case_names", {}).json()
    assert preview == {"fix": "title_case_names", "preview": True, "customers": 1}
    shouty.refresh_from_db()
    assert shouty.first_name == "ANN"
    applied = admin.post("/data-quality/fixes/title_case_names", {"preview": False}).json()
    assert applied["customers"] == 1
    shouty.refresh_from_db()
    assert (shouty.first_name, shouty.last_name) == ("Ann", "Lee")
    assert admin.post("/data-quality/fixes/drop_tables", {}).status_code == 422
