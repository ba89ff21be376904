"""The feedback page's overview: topics chosen from the data, computed once per state of the analyses."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from smartcrm.accounts.roles import Role
from smartcrm.engine.nlp.pipeline import TextAnalyzer
from smartcrm.feedback.services import record_review
from smartcrm.textanalysis import selectors, services
from tests import factories

pytestmark = pytest.mark.django_db

THEMES = (
    (1, "Delivery was late again, the parcel took two weeks and the courier never called."),
    (1, "The item arrived damaged, the box was crushed and the glass broken."),
    (5, "Great quality, the fabric feels lovely and the colour is exactly as shown."),
    (5, "Excellent value for the price, cheaper than anywhere else, will buy again."),
)


@pytest.fixture
def reviews(analyzer: TextAnalyzer, admin_user: Any) -> int:
    product = factories.ProductFactory()
    for i in range(80):
        rating, body = THEMES[i % len(THEMES)]
        record_review(
            actor=admin_user,
            customer=factories.CustomerFactory(),
            product=product,
            rating=rating,
            body=f"{body} Order {1000 + i}.",
            created_at=timezone.now() - timedelta(days=7 * (i % 6)),  # six weeks of feedback
        )
    return services.analyse_pending()


def test_topics_come_from_the_data(reviews: int) -> None:
    overview = selectors.feedback_overview(days=180)
    assert overview["n"] == reviews >= 80
    topics = overview["topics"]
    assert 2 <= len(topics) <= 12
    assert sum(t["size"] for t in topics) == overview["n"]
    assert all(t["label"] and t["keywords"] and t["quotes"] for t in topics)
    delivery = next(t for t in topics if "late" in t["keywords"] or "delivery" in t["keywords"])
    assert any("late" in q.lower() for q in delivery["quotes"])


def test_the_overview_is_computed_once_per_state_of_the_analyses(
    reviews: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache.clear()
    computed = []
    real = selectors.feedback_overview

    def counting(**kwargs: Any) -> dict[str, Any]:
        computed.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(selectors, "feedback_overview", counting)
    first = selectors.cached_feedback_overview(days=180)
    again = selectors.cached_feedback_overview(days=180)
    assert len(computed) == 1 and again == first
    services.analyse_pending(only_missing=False)  # re-analysed: a new state
    selectors.cached_feedback_overview(days=180)
    assert len(computed) == 2


def test_the_feedback_page_shows_the_topics_and_aspects_by_week(reviews: int, make_user: Any) -> None:
    cache.clear()
    client = Client()
    client.force_login(make_user(Role.SUPPORT))
    body = client.get("/feedback/").content.decode()
    overview = selectors.cached_feedback_overview(days=180)
    assert overview["topics"] and all(f'id="topic-{t["topic"]}"' in body for t in overview["topics"])
    assert "weekly negative share of delivery, 6 weeks" in body
