"""Products: the catalog list and a product's page with its recent reviews."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from smartcrm.accounts.roles import Capability
from smartcrm.catalog.selectors import all_categories, get_product, product_page
from smartcrm.core.errors import NotFoundError
from smartcrm.feedback.selectors import filter_reviews
from smartcrm.textanalysis.selectors import product_review_insights
from smartcrm.web.access import capability_required
from smartcrm.web.forms import ProductFilterForm
from smartcrm.web.views.common import render_list

RECENT_REVIEWS = 10


@capability_required(Capability.VIEW_ORDERS)
def product_list(request: HttpRequest) -> HttpResponse:
    categories = [(c.pk, c.name) for c in all_categories()]
    form = ProductFilterForm(request.GET, categories=categories)
    page = product_page(**form.selector_args())
    return render_list(
        request, "web/products/list.html", "web/products/_results.html", {"form": form, "page": page}
    )


@capability_required(Capability.VIEW_ORDERS)
def product_detail(request: HttpRequest, product_id: int) -> HttpResponse:
    try:
        product = get_product(product_id)
    except NotFoundError as exc:
        raise Http404("No such product") from exc
    reviews = list(filter_reviews(product_id=product.pk)[:RECENT_REVIEWS])
    insights = product_review_insights(product.pk)
    return render(
        request, "web/products/detail.html", {"product": product, "reviews": reviews, "insights": insights}
    )
