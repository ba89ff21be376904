"""Imports over the API: upload a file and start its run, poll the run, fetch its error report."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from smartcrm.accounts.roles import Capability
from smartcrm.api.auth import needs, require_user
from smartcrm.api.errors import CREATE_ERRORS, ONE_ERRORS
from smartcrm.api.schemas import Id, Text40
from smartcrm.exports.cells import csv_cell
from smartcrm.imports import selectors, wizard
from smartcrm.imports.wording import row_message

router = Router(tags=["imports"])


class ImportRunOut(Schema):
    id: int
    kind: str
    file_name: str
    system: str
    status: str
    progress: int
    message: str
    rows_total: int
    rows_created: int
    rows_updated: int
    rows_unchanged: int
    rows_failed: int
    last_row: int
    started_at: datetime
    finished_at: datetime | None
    mapping: dict[str, str]


class ImportStartIn(Schema):
    kind: Literal["customers", "products", "orders", "tickets", "reviews"]
    system: Text40 = "import"
    start: bool = True


@router.post(
    "", response={201: ImportRunOut, **CREATE_ERRORS}, summary="Upload a CSV or XLSX file and import it"
)
@needs(Capability.IMPORT_DATA)
def upload(request: HttpRequest, payload: Form[ImportStartIn], file: File[UploadedFile]) -> Status:
    """Multipart: ``kind``, ``system`` and ``file``. The run starts on a worker unless ``start`` is false
    (then it waits as a draft). A file that cannot be read at all is refused here with the reason."""
    user = require_user(request)
    run = wizard.store_upload(actor=user, kind=payload.kind, upload=file, system=payload.system)
    if payload.start:
        wizard.start_run(run, actor=user)
    return Status(201, run)


@router.get(
    "/{run_id}", response={200: ImportRunOut, **ONE_ERRORS}, summary="An import run's status and counts"
)
@needs(Capability.IMPORT_DATA)
def get_run(request: HttpRequest, run_id: Id) -> Any:
    return selectors.get_run(run_id)


@router.post("/{run_id}/cancel", response={200: ImportRunOut, **ONE_ERRORS}, summary="Cancel a run")
@needs(Capability.IMPORT_DATA)
def cancel(request: HttpRequest, run_id: Id) -> Any:
    """Stops after the batch in progress; every committed batch is whole."""
    user = require_user(request)
    return wizard.cancel_run(selectors.get_run(run_id), actor=user)


@router.post("/{run_id}/resume", response={200: ImportRunOut, **ONE_ERRORS}, summary="Resume a run")
@needs(Capability.IMPORT_DATA)
def resume(request: HttpRequest, run_id: Id) -> Any:
    """Continues after the last committed batch (an orders run starts again, skipping written orders)."""
    user = require_user(request)
    return wizard.resume_run(selectors.get_run(run_id), actor=user)


@router.get(
    "/{run_id}/errors",
    response={200: str, **ONE_ERRORS},
    summary="The run's rejected rows as CSV (row, column, message)",
    openapi_extra={
        "responses": {
            200: {
                "description": "CSV with the columns row, column, message (the message in the "
                "request's language)",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
@needs(Capability.IMPORT_DATA)
def errors(request: HttpRequest, run_id: Id) -> HttpResponse:
    run = selectors.get_run(run_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["row", "column", "message"])  # keys, as clients read them; messages translated
    for row, column, message in selectors.error_rows(run):
        writer.writerow([csv_cell(row), csv_cell(column), csv_cell(row_message(message))])
    response = HttpResponse(out.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-errors.csv"'
    return response
