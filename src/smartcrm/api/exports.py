"""Exports over the API: a whole list as CSV or XLSX, formula-safe, PII masked by role, audited."""

from __future__ import annotations

import shutil
from typing import Literal

from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from ninja import Query, Router, Schema

from smartcrm.api.auth import needs_per, require_user
from smartcrm.api.errors import ONE_ERRORS, ErrorOut
from smartcrm.exports import services

router = Router(tags=["exports"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExportQuery(Schema):
    format: Literal["csv", "xlsx"] = "csv"


@router.get(
    "/{kind}",
    response={200: str, **ONE_ERRORS, 429: ErrorOut},
    summary="Export a list (customers, products, orders, tickets) as CSV or XLSX",
    openapi_extra={
        "responses": {
            200: {
                "description": "The list as CSV or XLSX (formula cells neutralised, PII masked by role)",
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    XLSX: {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
@needs_per("kind", lambda kind: services.export_list(kind).capability)
def export(
    request: HttpRequest,
    kind: Literal["customers", "products", "orders", "tickets"],
    query: Query[ExportQuery],
) -> HttpResponseBase:
    """Streams every row. Cells a spreadsheet would run as formulas get a leading apostrophe;
    email, phone and address are masked unless the caller's role may see PII. Each export is audited."""
    user = require_user(request)
    if query.format == "csv":
        response: HttpResponseBase = StreamingHttpResponse(
            services.csv_lines(user, kind), content_type="text/csv"
        )
    else:
        path = services.xlsx_file(user, kind)
        handle = path.open("rb")
        shutil.rmtree(path.parent, ignore_errors=True)
        response = FileResponse(handle, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{kind}.{query.format}"'
    return response
