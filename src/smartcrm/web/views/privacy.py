"""Privacy: why each personal field is held, and a customer's data export and erasure."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from smartcrm.accounts.roles import Capability
from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.customers.models import Customer
from smartcrm.customers.selectors import get_customer
from smartcrm.privacy import registry, services
from smartcrm.privacy.selectors import recent_privacy_events
from smartcrm.web.access import capability_required, current_user
from smartcrm.web.audit_forms import EraseConfirmForm


def _customer_or_404(customer_id: int) -> Customer:
    try:
        return get_customer(customer_id)
    except NotFoundError as exc:
        raise Http404("No such customer") from exc


@capability_required(Capability.HANDLE_PRIVACY_REQUESTS)
def privacy_page(request: HttpRequest) -> HttpResponse:
    retention = {
        "closed_tickets_months": settings.SMARTCRM_RETAIN_CLOSED_TICKETS_MONTHS,
        "chats_months": settings.SMARTCRM_RETAIN_CHATS_MONTHS,
    }
    context = {"registry": registry.REGISTRY, "retention": retention, "events": recent_privacy_events()}
    return render(request, "web/privacy/page.html", context)


@require_POST
@capability_required(Capability.HANDLE_PRIVACY_REQUESTS)
def customer_data_export(request: HttpRequest, customer_id: int) -> HttpResponse:
    """POST, not GET: the download is an audited disclosure, not something a prefetch may start."""
    customer = _customer_or_404(customer_id)
    data = services.export_personal_data(actor=current_user(request), customer=customer)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="customer-{customer.pk}-data.zip"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@capability_required(Capability.HANDLE_PRIVACY_REQUESTS)
def customer_erase(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer_or_404(customer_id)
    form = EraseConfirmForm(request.POST or None, customer_id=customer.pk)
    if request.method == "POST" and form.is_valid():
        try:
            removed = services.erase_personal_data(actor=current_user(request), customer=customer)
        except ServiceValidationError as exc:
            messages.error(request, "; ".join(exc.errors.values()))
        else:
            messages.success(
                request,
                _("Customer %(id)s erased (%(records)s records).")
                % {"id": customer.pk, "records": sum(removed.values())},
            )
        return redirect("web:customer_detail", customer_id=customer.pk)
    status = 400 if form.errors else 200
    return render(request, "web/privacy/erase.html", {"customer": customer, "form": form}, status=status)
