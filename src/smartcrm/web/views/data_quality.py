"""Data quality: missing, invalid and suspicious values per field, and the bulk fixes."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from smartcrm.accounts.roles import Capability
from smartcrm.core.errors import ServiceValidationError
from smartcrm.dedup import quality
from smartcrm.web.access import capability_required, current_user


@capability_required(Capability.VIEW_CUSTOMERS)
def data_quality(request: HttpRequest) -> HttpResponse:
    """The report; with ``?preview=FIX`` (and the right to fix) also how many customers it changes."""
    user = current_user(request)
    issues = quality.data_quality_report(user=user)
    preview_name = request.GET.get("preview", "")
    preview = None
    if preview_name in quality.FIXES and user.can(Capability.MERGE_CUSTOMERS):
        preview = (preview_name, quality.FIXES[preview_name][0], quality.preview_fix(preview_name))
    return render(
        request,
        "web/dedup/data_quality.html",
        {
            "tables": [(table, list(rows)) for table, rows in groupby(issues, key=lambda i: i.table)],
            "fixes": [(name, label) for name, (label, _f, _c) in quality.FIXES.items()],
            "preview": preview,
            "limit": quality.REPORT_LIMIT,
        },
    )


@require_POST
@capability_required(Capability.MERGE_CUSTOMERS)
def data_quality_fix(request: HttpRequest, fix: str) -> HttpResponse:
    try:
        changed = quality.apply_fix(actor=current_user(request), name=fix)
    except ServiceValidationError as exc:
        for message in exc.errors.values():
            messages.error(request, message)
    else:
        messages.success(
            request,
            ngettext("Fixed %(count)d customer.", "Fixed %(count)d customers.", changed) % {"count": changed},
        )
    return redirect("web:data_quality")
