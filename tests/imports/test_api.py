"""/api/v1/imports: upload and start, poll, cancel/resume refusals, the error report; OpenAPI-checked."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from smartcrm.accounts.roles import Role
from smartcrm.accounts.services import create_api_token
from smartcrm.customers.models import Customer
from tests.api.client import ApiClient
from tests.api.openapi import openapi_document
from tests.imports.uploading import upload_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(make_user: Any, settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path

    def make(role: Role) -> ApiClient:
        user = make_user(role)
        return ApiClient(create_api_token(user=user, name="t")[1], user=user)

    return make


def test_upload_runs_the_import_and_reports_errors(api: Any, django_capture_on_commit_callbacks: Any) -> None:
    client = api(Role.MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload_import(
            client, "external_id;first_name;email\nC1;Zoë;z@example.com\nC2;Bo;@@\n".encode("cp1252")
        )
    assert response.status_code == 201
    run_id = response.json()["id"]
    status = client.get(f"/imports/{run_id}").json()
    assert (status["status"], status["rows_created"], status["rows_failed"]) == ("done", 1, 1)
    assert Customer.objects.get().first_name == "Zoë"
    report = client.client.get(f"/api/v1/imports/{run_id}/errors")  # CSV: not validated as JSON
    assert report["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(report.content.decode())))
    assert rows == [["row", "column", "message"], ["3", "email", "Enter a valid email address."]]
    assert client.post(f"/imports/{run_id}/cancel").status_code == 422  # done: nothing to cancel


def test_an_unreadable_file_is_refused_with_the_reason(api: Any) -> None:
    response = upload_import(api(Role.ADMIN), b"PK\x03\x04broken", name="c.xlsx")
    assert response.status_code == 422
    assert "damaged or truncated" in response.content.decode()


def test_a_draft_waits_and_roles_without_import_are_refused(api: Any) -> None:
    response = upload_import(api(Role.ADMIN), b"external_id\nC1\n", start="false")
    assert response.json()["status"] == "draft"
    assert upload_import(api(Role.SUPPORT), b"external_id\nC1\n").status_code == 403
    assert api(Role.ANALYST).get(f"/imports/{response.json()['id']}").status_code == 403
    assert api(Role.ADMIN).get("/imports/999999").status_code == 404


def test_the_error_report_is_documented_as_csv() -> None:
    operation = openapi_document()["paths"]["/api/v1/imports/{run_id}/errors"]["get"]
    assert "text/csv" in operation["responses"]["200"]["content"]
