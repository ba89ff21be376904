"""The audit log: filter by user, customer, action and time; page through; export as CSV."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from smartcrm.accounts.roles import Capability
from smartcrm.core.selectors import audit_page
from smartcrm.exports import audit_log
from smartcrm.web.access import capability_required, current_user
from smartcrm.web.audit_forms import AuditFilterForm
from smartcrm.web.views.common import render_list


@capability_required(Capability.VIEW_AUDIT)
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    page = audit_page(form.audit_filter(), page=form.page_number())
    return render_list(
        request, "web/audit/list.html", "web/audit/_results.html", {"form": form, "page": page}
    )


@capability_required(Capability.VIEW_AUDIT)
def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    filters = AuditFilterForm(request.GET).audit_filter()
    response = StreamingHttpResponse(
        audit_log.csv_lines(actor=current_user(request), filters=filters), content_type="text/csv"
    )
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response
