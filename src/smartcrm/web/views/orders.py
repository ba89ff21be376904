"""Orders: the list with status and channel filters, and one order with lines and refunds."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from smartcrm.accounts.roles import Capability
from smartcrm.collaboration.models import ListKind
from smartcrm.core.errors import NotFoundError
from smartcrm.orders.selectors import get_order, order_page
from smartcrm.web.access import capability_required
from smartcrm.web.forms import OrderFilterForm
from smartcrm.web.views.common import render_list


@capability_required(Capability.VIEW_ORDERS)
def order_list(request: HttpRequest) -> HttpResponse:
    form = OrderFilterForm(request.GET)
    page = order_page(**form.selector_args())
    return render_list(
        request,
        "web/orders/list.html",
        "web/orders/_results.html",
        {"form": form, "page": page},
        list_kind=ListKind.ORDERS,
    )


@capability_required(Capability.VIEW_ORDERS)
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    try:
        order = get_order(order_id)
    except NotFoundError as exc:
        raise Http404("No such order") from exc
    return render(request, "web/orders/detail.html", {"order": order})
