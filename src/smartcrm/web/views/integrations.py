"""Integrations: shop connections, outbound endpoints, and both delivery logs (with redeliver
and replay). Secrets and payloads never reach these pages."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartcrm.accounts.roles import Capability
from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.core.pagination import page_number
from smartcrm.integrations import inbound, outbound, selectors
from smartcrm.integrations.models import InboundStatus, OutboundStatus
from smartcrm.web.access import capability_required, current_user
from smartcrm.web.views.common import render_list


@capability_required(Capability.MANAGE_INTEGRATIONS)
def integrations(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    inbound_status = request.GET.get("inbound_status", "")
    context = {
        **selectors.overview(),
        "deliveries": selectors.outbound_page(
            page=page_number(request.GET.get("page")),
            size=25,
            status=status if status in OutboundStatus.values else "",
        ),
        "inbound": selectors.inbound_page(
            size=25, status=inbound_status if inbound_status in InboundStatus.values else ""
        ),
        "status": status,
        "inbound_status": inbound_status,
        "statuses": OutboundStatus.choices,
        "inbound_statuses": InboundStatus.choices,
    }
    return render_list(request, "web/integrations/index.html", "web/integrations/_deliveries.html", context)


@require_POST
@capability_required(Capability.MANAGE_INTEGRATIONS)
def redeliver(request: HttpRequest, delivery_id: int) -> HttpResponse:
    try:
        delivery = selectors.get_outbound(delivery_id)
    except NotFoundError as exc:
        raise Http404("No such delivery") from exc
    again = outbound.redeliver(actor=current_user(request), delivery=delivery)
    messages.success(
        request,
        _("Delivery %(id)s queued again as delivery %(again)s.") % {"id": delivery.pk, "again": again.pk},
    )
    return redirect("web:integrations")


@require_POST
@capability_required(Capability.MANAGE_INTEGRATIONS)
def replay(request: HttpRequest, delivery_id: int) -> HttpResponse:
    try:
        delivery = selectors.get_inbound(delivery_id)
    except NotFoundError as exc:
        raise Http404("No such delivery") from exc
    try:
        inbound.replay(actor=current_user(request), delivery=delivery)
    except ServiceValidationError as exc:
        messages.error(request, "; ".join(exc.errors.values()))
    else:
        messages.success(request, _("Inbound delivery %(id)s queued again.") % {"id": delivery.pk})
    return redirect("web:integrations")
