"""Download a list as CSV or XLSX (the "Export" buttons on the list pages)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import BinaryIO

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

from smartcrm.core.errors import NotFoundError
from smartcrm.core.ratelimit import RateLimited
from smartcrm.exports import services
from smartcrm.web.access import capability_per, current_user


@capability_per("kind", lambda kind: services.export_list(kind).capability)
def export(request: HttpRequest, kind: str, fmt: str) -> HttpResponseBase:
    """Each list has its own capability (customers, products, orders, tickets differ)."""
    user = current_user(request)
    try:
        if fmt == "csv":
            response: HttpResponseBase = StreamingHttpResponse(
                services.csv_lines(user, kind), content_type="text/csv"
            )
        elif fmt == "xlsx":
            path = services.xlsx_file(user, kind)
            response = FileResponse(
                _deleting(path),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            raise Http404("No such format")
    except NotFoundError as exc:
        raise Http404(str(exc)) from exc
    except RateLimited as exc:
        message = f"Too many exports of contact details; try again in {exc.retry_after} s."
        return HttpResponse(message, status=429, headers={"Retry-After": str(exc.retry_after)})
    response["Content-Disposition"] = f'attachment; filename="{kind}.{fmt}"'
    return response


def _deleting(path: Path) -> BinaryIO:
    """An open file whose directory goes once the response has read it."""
    handle: BinaryIO = path.open("rb")
    shutil.rmtree(path.parent, ignore_errors=True)  # the open handle keeps the data readable
    return handle
