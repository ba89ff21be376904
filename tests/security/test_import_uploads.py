"""Uploaded import files: private on disk, deleted when done or refused, size limits honoured."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from smartcrm.accounts.roles import Role
from smartcrm.accounts.services import create_api_token
from smartcrm.core import filecrypt
from smartcrm.core.models import AuditEvent
from smartcrm.customers.models import Customer
from smartcrm.imports import uploads, wizard
from smartcrm.imports.models import ImportRun, ImportStatus
from smartcrm.imports.wizard import purge_expired_uploads
from tests.api.client import ApiClient
from tests.imports.uploading import upload_import

pytestmark = pytest.mark.django_db

CSV = b"external_id,first_name,email\nC1,Ada,ada@example.com\n"


@pytest.fixture
def api(make_user: Any, settings: Any, tmp_path: Path) -> ApiClient:
    settings.MEDIA_ROOT = tmp_path
    user = make_user(Role.ADMIN)
    return ApiClient(create_api_token(user=user, name="t")[1], user=user)


def _files(root: Path) -> list[Path]:
    return [p for p in (root / "imports").rglob("*") if p.is_file()] if (root / "imports").exists() else []


def test_a_draft_upload_is_private(api: ApiClient, tmp_path: Path) -> None:
    assert upload_import(api, CSV, start="false").status_code == 201
    [path] = _files(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_an_upload_is_encrypted_at_rest_and_read_back_only_by_the_import(
    api: ApiClient, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    assert upload_import(api, CSV, start="false").status_code == 201
    [path] = _files(tmp_path)
    stored = path.read_bytes()
    assert stored.startswith(filecrypt.MAGIC)
    assert b"ada@example.com" not in stored and b"Ada" not in stored and b"external_id" not in stored
    run = ImportRun.objects.get()
    assert AuditEvent.objects.get(action="upload").changes["bytes"] == len(CSV)  # the file's own size
    assert uploads.plain_size(path) == len(CSV)
    with uploads.readable(path) as plain:
        assert plain.name == path.name and plain.read_bytes() == CSV
        assert plain.parent != path.parent  # the clear text has no name beside the upload
    with django_capture_on_commit_callbacks(execute=True):
        wizard.start_run(run, actor="test")
    run.refresh_from_db()
    assert (run.status, run.rows_created) == (ImportStatus.DONE, 1)
    assert Customer.objects.get().email == "ada@example.com"
    assert [p.name for p in _files(tmp_path)] in ([], ["c.csv.errors.csv"])


def test_a_tampered_upload_fails_its_run_and_imports_nothing(
    api: ApiClient, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    assert upload_import(api, CSV, start="false").status_code == 201
    [path] = _files(tmp_path)
    stored = bytearray(path.read_bytes())
    stored[-20] ^= 1
    path.write_bytes(bytes(stored))
    run = ImportRun.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        wizard.start_run(run, actor="test")
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED
    assert "cannot be decrypted" in run.message
    assert not Customer.objects.exists()


def test_a_finished_run_deletes_itsupload_import(
    api: ApiClient, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = upload_import(api, CSV)
    assert ImportRun.objects.get(pk=response.json()["id"]).status == ImportStatus.DONE
    assert [p.name for p in _files(tmp_path)] in ([], ["c.csv.errors.csv"])


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04broken", b"\x00\x01\x02" * 100])
def test_a_refused_upload_leaves_no_file_and_no_run(api: ApiClient, tmp_path: Path, content: bytes) -> None:
    response = upload_import(api, content, name="c.xlsx" if content.startswith(b"PK") else "c.csv")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "file"
    assert not ImportRun.objects.exists()
    assert _files(tmp_path) == []


def test_the_size_limit_setting_is_honoured(api: ApiClient, settings: Any, tmp_path: Path) -> None:
    settings.SMARTCRM_IMPORT_MAX_UPLOAD_MB = 1
    response = upload_import(api, CSV + b"C2,Bo,bo@example.com\n" * 60_000)
    assert response.status_code == 422
    assert "larger than 1 MB" in response.content.decode()
    assert not ImportRun.objects.exists() and _files(tmp_path) == []


def test_the_xlsx_limit_setting_is_honoured(api: ApiClient, settings: Any, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["external_id", "first_name"])
    for i in range(40_000):
        sheet.append([f"C{i}", os.urandom(8).hex()])
    buffer = io.BytesIO()
    workbook.save(buffer)
    settings.SMARTCRM_IMPORT_MAX_XLSX_MB = 1
    response = upload_import(api, buffer.getvalue(), name="c.xlsx")
    assert response.status_code == 422, response.content
    assert not ImportRun.objects.exists() and _files(tmp_path) == []


def test_old_uploads_and_drafts_are_purged(api: ApiClient, settings: Any, tmp_path: Path) -> None:
    assert upload_import(api, CSV, start="false").status_code == 201
    [path] = _files(tmp_path)
    old = time.time() - 8 * 86400
    os.utime(path.parent, (old, old))
    ImportRun.objects.update(started_at=ImportRun.objects.get().started_at.replace(year=2020))
    purge_expired_uploads()
    assert _files(tmp_path) == [] and not ImportRun.objects.exists()


def test_the_limits_are_read_from_the_environment() -> None:
    """The documented variables reach the settings (they used to be read from nowhere)."""
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SMARTCRM_IMPORT_MAX_UPLOAD_MB, s.SMARTCRM_IMPORT_MAX_XLSX_MB)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "smartcrm.settings",
        "SMARTCRM_IMPORT_MAX_UPLOAD_MB": "3",
        "SMARTCRM_IMPORT_MAX_XLSX_MB": "2",
    }
    answer = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert answer.stdout.split() == ["3", "2"]
