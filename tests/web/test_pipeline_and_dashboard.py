"""The pipeline board, moving deals, the dashboard figures and the chart, products and orders."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.urls import reverse
from django.utils import timezone

from smartcrm.accounts.roles import Role
from smartcrm.orders.models import Refund
from smartcrm.textanalysis.models import SourceKind, TextAnalysis
from tests import factories
from tests.web.conftest import Shop
from tests.web.scores import make_score


def test_board_shows_columns_with_totals(shop: Shop, client_for: Any) -> None:
    factories.DealFactory(title="Big cogs", stage=shop.stages[1], value=Decimal("10000"))
    page = client_for(Role.SALES).get(reverse("web:pipeline")).content.decode()
    for stage in shop.stages:
        assert stage.name in page
    assert "Gears for the mill" in page
    assert "$10,000.00" in page
    assert "$3,000.00 weighted" in page  # 30% of 10,000


def test_moving_a_deal_with_htmx_re_renders_the_board(shop: Shop, client_for: Any) -> None:
    response = client_for(Role.SALES).post(
        reverse("web:pipeline_move", args=[shop.deal.pk]),
        {"stage": shop.stages[2].pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div class="board" id="board">')
    shop.deal.refresh_from_db()
    assert shop.deal.stage == shop.stages[2]


def test_moving_a_deal_without_htmx_redirects(shop: Shop, client_for: Any) -> None:
    response = client_for(Role.SALES).post(
        reverse("web:pipeline_move", args=[shop.deal.pk]), {"stage": shop.stages[1].pk}
    )
    assert response.status_code == 302
    shop.deal.refresh_from_db()
    assert shop.deal.stage == shop.stages[1]


def test_moving_to_an_unknown_stage_is_404_and_a_missing_stage_400(shop: Shop, client_for: Any) -> None:
    client = client_for(Role.SALES)
    url = reverse("web:pipeline_move", args=[shop.deal.pk])
    assert client.post(url, {"stage": 999_999}).status_code == 404
    assert client.post(url, {}).status_code == 400


def test_dashboard_figures_and_chart(shop: Shop, client_for: Any) -> None:
    now = timezone.now()
    factories.OrderFactory(placed_at=now - timedelta(days=45), total=Decimal("100.00"))
    factories.OrderFactory(placed_at=now - timedelta(days=200), total=Decimal("250.00"))
    page = client_for(Role.ANALYST).get(reverse("web:dashboard")).content.decode()
    assert "Revenue" in page
    assert "$42.00" in page  # the shop's order, 3 days ago
    assert "vs $100.00" in page  # the previous 30 days
    bars = re.findall(r"<g class=\"chart-bar\">", page)
    assert len(bars) == 24
    assert "from 1 order</title>" in page
    assert "Forecast and alerts" in page  # the panel htmx loads (tests/insights)
    assert "No segments yet" in page  # nothing scored


def test_dashboard_shows_the_segments_to_roles_that_see_customers(shop: Shop, client_for: Any) -> None:
    make_score(shop.customer, segment="champions")
    make_score(factories.CustomerFactory(), segment="at_risk")
    page = client_for(Role.MARKETING).get(reverse("web:dashboard")).content.decode()
    assert 'id="dashboard-segments"' in page
    assert "?segment=champions" in page and "?segment=at_risk" in page
    assert "1 customer · 50%" in page


def test_no_screen_promises_what_is_not_built() -> None:
    src = Path(__file__).resolve().parents[2] / "src"
    promising = [
        str(path.relative_to(src))
        for path in src.rglob("*")
        if path.suffix in {".html", ".css", ".js", ".py"} and "coming soon" in path.read_text().lower()
    ]
    assert promising == []


def test_dashboard_without_sales_says_so(db: Any, client_for: Any) -> None:
    page = client_for(Role.ANALYST).get(reverse("web:dashboard")).content.decode()
    assert "No sales in the last 24 months yet" in page


def test_products_list_filters_and_detail_shows_reviews(shop: Shop, client_for: Any) -> None:
    other = factories.ProductFactory(name="Copper Wire", category=factories.CategoryFactory(name="Wire"))
    client = client_for(Role.ANALYST)
    page = client.get(reverse("web:product_list"), {"category": other.category_id}).content.decode()
    assert "Copper Wire" in page
    assert "Brass Gear" not in page
    page = client.get(reverse("web:product_list"), {"q": "brass"}).content.decode()
    assert "Brass Gear" in page
    assert "Copper Wire" not in page
    page = client.get(reverse("web:product_detail", args=[shop.product.pk])).content.decode()
    assert "Solid" in page
    assert "Turns well." in page
    assert "What reviews say" in page and "4.0 / 5" in page
    assert "has not been analysed yet" in page
    TextAnalysis.objects.create(
        source_kind=SourceKind.REVIEW, source_id=shop.review.pk, customer=shop.customer,
        text_created_at=timezone.now(), lang="en", sentiment="negative", sentiment_score=-0.8,
        aspects={"quality": "negative", "delivery": "positive"}, model_version="t",
        analysed_at=timezone.now(),
    )  # fmt: skip
    page = client.get(reverse("web:product_detail", args=[shop.product.pk])).content.decode()
    assert "0% positive · 0% neutral · 100% negative" in page
    assert "quality" in page and "1 mention, 100% negative" in page


def test_orders_list_filters_and_detail(shop: Shop, client_for: Any) -> None:
    Refund.objects.create(
        order=shop.order, amount=Decimal("5.00"), reason="Scratched", created_at=timezone.now()
    )
    factories.OrderFactory(number="SO-CANCEL", status="cancelled")
    client = client_for(Role.SUPPORT)
    page = client.get(reverse("web:order_list"), {"status": "cancelled"}).content.decode()
    assert "SO-CANCEL" in page
    assert shop.order.number not in page
    page = client.get(reverse("web:order_list"), {"q": shop.order.number}).content.decode()
    assert shop.order.number in page
    assert "SO-CANCEL" not in page
    page = client.get(reverse("web:order_detail", args=[shop.order.pk])).content.decode()
    assert "Brass Gear" in page
    assert "Scratched" in page
    assert reverse("web:customer_detail", args=[shop.customer.pk]) in page
