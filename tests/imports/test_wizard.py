"""The wizard's pages through Django's test client: upload, detected format, mapping, preview, run, report."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from smartcrm.accounts.roles import Role
from smartcrm.core.models import AuditEvent
from smartcrm.customers.models import Customer
from smartcrm.imports.models import ImportRun, ImportStatus, MappingTemplate
from smartcrm.imports.services import execute_run
from smartcrm.imports.wizard import cancel_run, resume_run, start_run, store_upload

pytestmark = pytest.mark.django_db

CHINESE = "客户编号,名,姓,邮箱,电话号码\nC1,小明,王,wang@example.com,\nC2,Bob,=cmd,not-an-email,\n".encode(
    "gb18030"
)


@pytest.fixture
def client_for(make_user: Any, settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path

    def make(role: Role) -> Client:
        client = Client()
        client.force_login(make_user(role))
        return client

    return make


def test_a_file_goes_through_every_step(client_for: Any, django_capture_on_commit_callbacks: Any) -> None:
    client = client_for(Role.ADMIN)
    upload = SimpleUploadedFile("客户.csv", CHINESE, content_type="text/csv")
    response = client.post("/imports/", {"kind": "customers", "file": upload, "system": "shop"})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{run.pk}/map/"
    assert run.status == ImportStatus.DRAFT

    page = client.get(f"/imports/{run.pk}/map/").content.decode()
    assert "CSV, GB18030 (GBK), comma-separated" in page
    # Exact Chinese aliases and a fuzzy match ("电话号码" is close to "phone_number"? no: to 电话).
    for index, column in ((0, "external_id"), (1, "first_name"), (2, "last_name"), (3, "email")):
        assert f'name="map-{index}"' in page
        assert f'<option value="{column}" selected>' in page

    mapping = {"map-0": "external_id", "map-1": "first_name", "map-2": "last_name", "map-3": "email"}
    response = client.post(f"/imports/{run.pk}/map/", {**mapping, "map-4": "", "template_name": "Taobao"})
    assert response.status_code == 302
    assert MappingTemplate.objects.get().mapping["邮箱"] == "email"

    page = client.get(f"/imports/{run.pk}/preview/").content.decode()
    assert "2 rows checked: 1 would import, 1 would be rejected." in page
    assert "email: Enter a valid email address." in page
    assert Customer.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{run.pk}/start/")
    run.refresh_from_db()
    assert (run.status, run.rows_created, run.rows_failed) == ("done", 1, 1)
    assert Customer.objects.get().first_name == "小明"
    progress = client.get(f"/imports/{run.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in progress  # finished: polling stops
    assert 'data-testid="created">1<' in progress

    report = b"".join(client.get(f"/imports/{run.pk}/errors.csv").streaming_content).decode()
    assert list(csv.reader(io.StringIO(report))) == [
        ["row", "column", "message"],
        ["3", "email", "Enter a valid email address."],
    ]


def test_a_bad_mapping_is_refused_with_the_reason(client_for: Any) -> None:
    client = client_for(Role.ADMIN)
    client.post("/imports/", {"kind": "customers", "file": SimpleUploadedFile("c.csv", CHINESE)})
    run = ImportRun.objects.get()
    response = client.post(f"/imports/{run.pk}/map/", {"map-0": "email", "map-3": "email"})
    assert response.status_code == 400
    assert "chosen twice: email" in response.content.decode()


def test_an_unreadable_upload_says_why(client_for: Any) -> None:
    """Refused at the upload, with nothing kept (no draft run, no file)."""
    client = client_for(Role.ADMIN)
    upload = SimpleUploadedFile("x.xlsx", b"name,email\n")
    response = client.post("/imports/", {"kind": "customers", "file": upload})
    assert response.status_code == 400
    assert "named .xlsx but is not an Excel workbook" in response.content.decode()
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize("role", [Role.SALES, Role.SUPPORT, Role.MARKETING, Role.ANALYST])
def test_roles_without_the_import_capability_are_refused(client_for: Any, role: Role) -> None:
    client = client_for(role)
    assert client.get("/imports/").status_code == 403
    assert client.post("/imports/", {"kind": "customers"}).status_code == 403


def test_a_cancelled_run_resumes_after_its_last_committed_batch(
    settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr("smartcrm.imports.writing.BATCH_ROWS", 2)
    text = "external_id,first_name\n" + "".join(f"C{i},Name{i}\n" for i in range(1, 8))
    run = store_upload(actor="test", kind="customers", upload=SimpleUploadedFile("c.csv", text.encode()))
    start_run(run, actor="test")
    # Cancel as soon as the first batch is committed: the run stops there, whole batches kept.
    original = ImportRun.save

    def save(self: ImportRun, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if self.last_row and not self.cancel_requested and self.status == ImportStatus.RUNNING:
            ImportRun.objects.filter(pk=self.pk).update(cancel_requested=True)

    monkeypatch.setattr(ImportRun, "save", save)
    run = execute_run(run.pk)
    monkeypatch.setattr(ImportRun, "save", original)
    assert (run.status, run.last_row, run.rows_created) == ("cancelled", 3, 2)
    assert Customer.objects.count() == 2

    resume_run(run, actor="test")
    run = execute_run(run.pk)
    assert (run.status, run.rows_created, run.rows_total, run.progress) == ("done", 7, 7, 100)
    assert Customer.objects.count() == 7
    assert AuditEvent.objects.filter(action="resume").count() == 1


def test_a_queued_run_cancels_at_once(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    run = store_upload(actor="t", kind="products", upload=SimpleUploadedFile("p.csv", b"sku,price\nA,1\n"))
    start_run(run, actor="t")
    assert cancel_run(run, actor="t").status == ImportStatus.CANCELLED
    assert execute_run(run.pk).rows_created == 0
