"""Recommendations in the web UI: the customer 360 panel, the product page panel (both loaded by
htmx into those pages) and the market-basket rules browser."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from smartcrm.accounts.roles import Capability
from smartcrm.core.errors import NotFoundError
from smartcrm.core.pagination import paginate
from smartcrm.recommendations import selectors
from smartcrm.recommendations.models import RuleLevel
from smartcrm.web.access import capability_required
from smartcrm.web.forms import PageField, cleaned
from smartcrm.web.views.common import render_list

RULES_PER_PAGE = 50


class RuleFilterForm(forms.Form):
    level = forms.ChoiceField(required=False, choices=RuleLevel.choices)
    min_lift = forms.FloatField(required=False, min_value=0, label="Min lift")
    min_support = forms.FloatField(required=False, min_value=0, max_value=1, label="Min support")
    min_confidence = forms.FloatField(required=False, min_value=0, max_value=1, label="Min confidence")
    q = forms.CharField(required=False, max_length=100, label="Product or category")
    page = PageField()

    def selector_args(self) -> dict[str, Any]:
        data = cleaned(self)
        return {
            "level": data.get("level", RuleLevel.PRODUCT),
            "min_lift": data.get("min_lift"),
            "min_support": data.get("min_support"),
            "min_confidence": data.get("min_confidence"),
            "contains": data.get("q"),
        }


@capability_required(Capability.VIEW_CUSTOMERS)
def customer_panel(request: HttpRequest, customer_id: int) -> HttpResponse:
    try:
        recommendations = selectors.customer_recommendations(customer_id)
    except NotFoundError as exc:
        raise Http404("No such customer") from exc
    return render(request, "web/recommendations/_customer_panel.html", {"recommendations": recommendations})


@capability_required(Capability.VIEW_ORDERS)
def product_panel(request: HttpRequest, product_id: int) -> HttpResponse:
    try:
        found = selectors.product_recommendations(product_id)
    except NotFoundError as exc:
        raise Http404("No such product") from exc
    return render(request, "web/recommendations/_product_panel.html", {"found": found})


@capability_required(Capability.VIEW_ORDERS)
def basket_rules(request: HttpRequest) -> HttpResponse:
    form = RuleFilterForm(request.GET)
    args = form.selector_args()
    page = paginate(selectors.basket_rules(**args), number=cleaned(form).get("page", 1), size=RULES_PER_PAGE)
    return render_list(
        request,
        "web/recommendations/rules.html",
        "web/recommendations/_rules.html",
        {"form": form, "page": page, "level": args["level"], "counts": selectors.rules_summary()},
    )
