"""A recommendation's reason is stored as a code and its values, worded for each reader: the
customer 360's panel and the API in English and in Chinese, and the migration that turned the
English sentences stored before into codes (and back)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from smartcrm.accounts.roles import Role
from smartcrm.recommendations.models import CustomerRecommendation
from tests.api.client import ApiClient
from tests.factories import CustomerFactory, ProductFactory
from tests.intelligence.test_wording import RECOMMENDATION_REASONS

BEFORE = [("recommendations", "0002_modelversion_in_modelregistry")]
AFTER = [("recommendations", "0003_reason_codes")]


def _recommend_every_kind() -> Any:
    customer = CustomerFactory()
    for rank, (code, params, _en, _zh) in enumerate(RECOMMENDATION_REASONS, start=1):
        CustomerRecommendation.objects.create(
            customer=customer, product=ProductFactory(), rank=rank, score=1.0 / rank, reason_code=code,
            reason_params=params, source="popular", created_at=timezone.now(),
        )  # fmt: skip
    return customer


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "column"), [("en", 2), ("zh-Hans", 3)])
def test_the_api_gives_the_code_its_values_and_the_text_in_the_requests_language(
    token_for: Any, language: str, column: int
) -> None:
    customer = _recommend_every_kind()
    _, raw = token_for(Role.SALES)
    body = (
        ApiClient(raw, HTTP_ACCEPT_LANGUAGE=language).get(f"/customers/{customer.pk}/recommendations").json()
    )
    got = [(i["reason_code"], i["reason_params"], i["reason"]) for i in body["items"]]
    assert got == [(r[0], r[1], r[column]) for r in RECOMMENDATION_REASONS]


@pytest.mark.django_db
def test_the_panel_words_every_reason_in_the_readers_language(make_user: Any) -> None:
    customer = _recommend_every_kind()
    user = make_user(Role.SALES)
    client = Client()
    client.force_login(user)
    english = client.get(f"/customers/{customer.pk}/recommendations/").content.decode()
    assert all(escape(en) in english for _c, _p, en, _zh in RECOMMENDATION_REASONS)
    user.language = "zh-hans"
    user.save(update_fields=["language"])
    chinese = client.get(f"/customers/{customer.pk}/recommendations/").content.decode()
    assert all(zh in chinese for _c, _p, _en, zh in RECOMMENDATION_REASONS)
    assert not any(en in chinese for _c, _p, en, _zh in RECOMMENDATION_REASONS)


OLD_SENTENCES = [
    ("you buy this every ~21 days", "repurchase", {"days": 21}),
    ("bought with Brass {Gear} 3/4 in", "bought_with", {"product": "Brass {Gear} 3/4 in"}),
    ("bought with popular with customers", "bought_with", {"product": "popular with customers"}),
    ("customers like you", "like_you", {}),
    ("popular in Home & Garden", "popular_in", {"category": "Home & Garden"}),
    ("popular with customers", "popular", {}),
]


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_stored_sentences_into_codes_and_back() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("recommendations", "CustomerRecommendation")
    customer, now = CustomerFactory(), timezone.now()
    sentences = [*(text for text, _code, _params in OLD_SENTENCES), "a sentence no recommender wrote"]
    for rank, text in enumerate(sentences, start=1):
        old.objects.create(
            customer_id=customer.pk, product_id=ProductFactory().pk, rank=rank, score=1.0, reason=text,
            source="popular", created_at=now,
        )  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    rows = CustomerRecommendation.objects.filter(customer_id=customer.pk).order_by("rank")
    assert [(r.reason_code, r.reason_params) for r in rows] == [(c, p) for _t, c, p in OLD_SENTENCES]
    assert [r.reason.english() for r in rows] == [t for t, _c, _p in OLD_SENTENCES]

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(BEFORE)
    back = executor.loader.project_state(BEFORE).apps.get_model("recommendations", "CustomerRecommendation")
    texts = back.objects.filter(customer_id=customer.pk).order_by("rank").values_list("reason", flat=True)
    assert list(texts) == [t for t, _c, _p in OLD_SENTENCES]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
