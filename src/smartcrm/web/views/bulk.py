"""Bulk actions started from the customer list (the ticked rows, or everyone its filters match)
and an export's file, for the person who ran it."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartcrm.accounts.masking import may_view_pii
from smartcrm.accounts.roles import Capability
from smartcrm.bulk.models import BulkAction, BulkRun, BulkStatus
from smartcrm.bulk.selection import matching_customers
from smartcrm.bulk.services import actions_for, start_bulk
from smartcrm.core.errors import ServiceValidationError
from smartcrm.web.access import capability_required, current_user
from smartcrm.web.collaboration_forms import ListBulkForm
from smartcrm.web.forms import CustomerFilterForm

BULK_FIELDS = ("action", "value", "all_matching", "ids", "csrfmiddlewaretoken")


@require_POST
@capability_required(Capability.VIEW_CUSTOMERS)
def customer_bulk(request: HttpRequest) -> HttpResponse:
    """Which actions a role may start is the bulk service's to say (an export needs the list's
    export capability, a tag ``edit_customers``…); a refusal goes back to the list."""
    user = current_user(request)
    form = ListBulkForm(request.POST, actions=actions_for(user))
    filters = {k: v for k, v in request.POST.items() if k not in BULK_FIELDS and v}
    back = reverse("web:customer_list") + (f"?{urlencode(filters)}" if filters else "")
    if not form.is_valid():
        for message in (m for errors in form.errors.values() for m in errors):
            messages.error(request, str(message))
        return redirect(back)
    data = form.cleaned_data
    matching = CustomerFilterForm(request.POST).filters(contact_search=may_view_pii(user))
    try:
        run = start_bulk(
            actor=user,
            action=data["action"],
            value=data["value"],
            filters=matching if data["all_matching"] else None,
            customer_ids=None if data["all_matching"] else data["ids"],
        )
    except ServiceValidationError as exc:
        for message in exc.errors.values():
            messages.error(request, message)
        return redirect(back)
    return redirect("web:bulk_run", run_id=run.pk)


@capability_required(Capability.VIEW_CUSTOMERS)
def customer_matching_count(request: HttpRequest) -> HttpResponse:
    """How many customers the list's filters match on every page, for the "select all N matching"
    banner (asked for only when a whole page is ticked: a count is not free on a large shop).
    POST like the list's private search, so a searched email stays out of addresses and logs."""
    user = current_user(request)
    form = CustomerFilterForm(request.POST if request.method == "POST" else request.GET)
    count = matching_customers(form.filters(contact_search=may_view_pii(user))).count()
    return render(request, "web/customers/_select_all.html", {"count": count})


@capability_required(Capability.VIEW_CUSTOMERS)
def bulk_download(request: HttpRequest, run_id: int) -> FileResponse:
    """The CSV of a finished export, for its actor only."""
    run = BulkRun.objects.filter(
        pk=run_id, actor=current_user(request), action=BulkAction.EXPORT, status=BulkStatus.DONE
    ).first()
    if run is None or not run.export_file:
        raise Http404(_("No such export of yours"))
    return FileResponse(
        default_storage.open(run.export_file, "rb"),
        as_attachment=True,
        filename=f"customers-{run.pk}.csv",
        content_type="text/csv",
    )
