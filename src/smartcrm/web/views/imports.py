"""The import wizard: upload → detected format and mapping → preview → run with live progress → report."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from smartcrm.accounts.roles import Capability
from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.exports.cells import csv_cell
from smartcrm.exports.headers import header_row
from smartcrm.imports import selectors, wizard
from smartcrm.imports.errors import ImportFileError
from smartcrm.imports.kinds import IMPORTERS
from smartcrm.imports.models import ImportRun, ImportStatus
from smartcrm.imports.wording import row_message
from smartcrm.web.access import capability_required, current_user


def _run(run_id: int) -> ImportRun:
    try:
        return selectors.get_run(run_id)
    except NotFoundError as exc:
        raise Http404("No such import") from exc


@capability_required(Capability.IMPORT_DATA)
def import_home(request: HttpRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = {"file": "Choose a CSV or XLSX file."}
        else:
            try:
                run = wizard.store_upload(
                    actor=current_user(request),
                    kind=request.POST.get("kind", ""),
                    upload=upload,
                    system=request.POST.get("system", "import"),
                )
            except ServiceValidationError as exc:
                errors = exc.errors
            else:
                return redirect("web:import_map", run_id=run.pk)
    context = {"runs": selectors.recent_runs(), "kinds": list(IMPORTERS), "errors": errors}
    return render(request, "web/imports/home.html", context, status=400 if errors else 200)


@capability_required(Capability.IMPORT_DATA)
def import_map(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(run_id)
    errors: dict[str, str] = {}
    try:
        inspection = wizard.inspect_run(run)
    except ImportFileError as exc:
        return render(
            request, "web/imports/map.html", {"run": run, "file_error": row_message(str(exc))}, status=400
        )
    templates = selectors.mapping_templates(run.kind)
    if request.method == "POST":
        mapping = {cell: request.POST.get(f"map-{i}", "") for i, cell in enumerate(inspection.header)}
        try:
            wizard.save_mapping(
                run, mapping, actor=current_user(request), template_name=request.POST.get("template_name", "")
            )
        except ServiceValidationError as exc:
            errors = exc.errors
            inspection.suggestion = mapping
        else:
            return redirect("web:import_preview", run_id=run.pk)
    elif request.GET.get("template"):
        chosen = templates.filter(pk=request.GET["template"]).first()
        if chosen is not None:
            inspection.suggestion = {cell: chosen.mapping.get(cell, "") for cell in inspection.header}
    cells = [(i, cell, inspection.suggestion.get(cell, "")) for i, cell in enumerate(inspection.header)]
    context = {"run": run, "inspection": inspection, "cells": cells, "templates": templates, "errors": errors}
    return render(request, "web/imports/map.html", context, status=400 if errors else 200)


@capability_required(Capability.IMPORT_DATA)
def import_preview(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(run_id)
    try:
        preview = wizard.preview_run(run, actor=current_user(request))
    except ImportFileError as exc:
        return render(
            request, "web/imports/map.html", {"run": run, "file_error": row_message(str(exc))}, status=400
        )
    names = [c.name for c in IMPORTERS[run.kind].columns if c.name in set(run.mapping.values())]
    by_row: dict[int, list[str]] = {}
    for error in preview.result.errors:
        where = error.column or gettext("whole row")
        by_row.setdefault(error.row, []).append(f"{where}: {row_message(error.message)}")
    rows = [(row.number, [row.get(n) for n in names], by_row.get(row.number, [])) for row in preview.rows]
    context = {"run": run, "names": names, "rows": rows, "result": preview.result}
    return render(request, "web/imports/preview.html", context)


@require_POST
@capability_required(Capability.IMPORT_DATA)
def import_start(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        wizard.start_run(_run(run_id), actor=current_user(request))
    except ServiceValidationError as exc:
        messages.error(request, exc.errors["__all__"])
    return redirect("web:import_run", run_id=run_id)


@capability_required(Capability.IMPORT_DATA)
def import_run(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(run_id)
    template = "web/imports/_progress.html" if request.headers.get("HX-Request") else "web/imports/run.html"
    return render(request, template, {"run": run, "active": run.status in ACTIVE})


ACTIVE = (ImportStatus.QUEUED, ImportStatus.RUNNING)


@require_POST
@capability_required(Capability.IMPORT_DATA)
def import_cancel(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        wizard.cancel_run(_run(run_id), actor=current_user(request))
    except ServiceValidationError as exc:
        messages.error(request, exc.errors["__all__"])
    return redirect("web:import_run", run_id=run_id)


@require_POST
@capability_required(Capability.IMPORT_DATA)
def import_resume(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        wizard.resume_run(_run(run_id), actor=current_user(request))
    except ServiceValidationError as exc:
        messages.error(request, exc.errors["__all__"])
    return redirect("web:import_run", run_id=run_id)


class _Echo:
    def write(self, value: str) -> str:
        return value


@capability_required(Capability.IMPORT_DATA)
def import_errors(request: HttpRequest, run_id: int) -> HttpResponseBase:
    """Every rejected row as CSV (formula-like cells defused), streamed."""
    import csv

    run = _run(run_id)
    writer = csv.writer(_Echo())
    lines = (
        writer.writerow([csv_cell(row), csv_cell(column), csv_cell(row_message(message))])
        for row, column, message in selectors.error_rows(run)
    )
    header = writer.writerow(header_row(("row", "column", "message")))
    response = StreamingHttpResponse(
        (line for part in ([header], lines) for line in part), content_type="text/csv"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-errors.csv"'
    return response
