"""The segment explorer and the model cards, with activation and rollback for admins only."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from smartcrm.accounts.roles import Role
from smartcrm.core.models import AuditEvent
from smartcrm.modelregistry.models import ModelVersion
from tests.modelregistry.test_robustness import ROW, write_report
from tests.web.conftest import XSS
from tests.web.scores import make_version, scored_customer

pytestmark = pytest.mark.django_db


def test_segments_page_shows_sizes_and_links_to_the_list(client_for: Any) -> None:
    for i in range(3):
        scored_customer(f"C{i}", segment="champions", clv_12m=Decimal(100 * (i + 1)), churn_risk=0.1)
    scored_customer(
        "L", segment="lost", clv_12m=Decimal("10"), churn_risk=0.9, cluster=2, cluster_label="One-off buyers"
    )
    response = client_for(Role.MARKETING).get(reverse("web:segments"))
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Champions",
        "Lost",
        "75.0%",
        "25.0%",
        "$600.00",
        "$200.00",
        "One-off buyers",
        "4 customers scored",
    ):
        assert text in page, text
    assert f"{reverse('web:customer_list')}?segment=champions" in page
    assert "Movement between segments" in page
    assert 'href="/segments/"' in page  # the navigation entry
    champions = (
        client_for(Role.MARKETING).get(reverse("web:customer_list"), {"segment": "lost"}).content.decode()
    )
    assert ">L<" in champions and ">C0<" not in champions


def test_segments_page_before_any_scoring(client_for: Any) -> None:
    page = client_for(Role.SALES).get(reverse("web:segments")).content.decode()
    assert "smartcrm train" in page


def test_segments_page_queries_do_not_grow(client_for: Any, django_assert_max_num_queries: Any) -> None:
    client = client_for(Role.SALES)
    scored_customer("One")
    with django_assert_max_num_queries(10) as small:
        client.get(reverse("web:segments"))
    for i in range(20):
        scored_customer(
            f"N{i}", segment="lost" if i % 2 else "at_risk", cluster=i % 4, cluster_label=f"Group {i % 4}"
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("web:segments"))


def test_segments_page_needs_view_customers(client_for: Any) -> None:
    # Every role sees customers today; an anonymous visitor is sent to log in.
    from django.test import Client

    response = Client().get(reverse("web:segments"))
    assert response.status_code == 302


def test_model_cards_render_metrics_and_calibration(client_for: Any) -> None:
    make_version("churn", 1)
    make_version("churn", 2, active=True, metrics={"roc_auc": 0.9, "note": XSS})
    response = client_for(Role.ANALYST).get(reverse("web:model_cards"))
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Churn risk v2",
        "Churn risk v1",
        "Active",
        "roc_auc",
        "0.835",
        "holdout",  # a nested dict as a sub-table
        "base_rate",
        "920",
        "calibration-table",
        "35.0%",  # mean predicted of the second bin
        "86.0%",
        "<svg",
        "<circle",
        "recency_days",
        "abababababab",  # the data hash, shortened
        "PropensityModel/1",
    ):
        assert text in page, text
    assert XSS not in page
    assert page.index("Churn risk v2") < page.index("Churn risk v1")  # active first
    # Analysts see the cards but not the admin buttons.
    assert "Roll back" not in page
    assert ">Activate<" not in page


def test_model_cards_without_models(client_for: Any) -> None:
    page = client_for(Role.ANALYST).get(reverse("web:model_cards")).content.decode()
    assert "smartcrm train" in page


def test_model_cards_are_refused_without_view_models(client_for: Any, monkeypatch: Any) -> None:
    from smartcrm.accounts import roles

    monkeypatch.setitem(
        roles.CAPABILITIES, roles.Role.MARKETING, frozenset({roles.Capability.VIEW_CUSTOMERS})
    )
    assert client_for(Role.MARKETING).get(reverse("web:model_cards")).status_code == 403


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ANALYST, Role.SALES])
def test_activate_and_rollback_are_refused_to_non_admins(client_for: Any, role: Role) -> None:
    first = make_version("churn", 1)
    make_version("churn", 2, active=True)
    client = client_for(role)
    assert client.post(reverse("web:model_activate", args=[first.pk])).status_code == 403
    assert client.post(reverse("web:model_rollback", args=["churn"])).status_code == 403
    assert ModelVersion.objects.get(is_active=True).version == 2


def test_admin_activates_and_rolls_back(client_for: Any) -> None:
    first = make_version("churn", 1)
    second = make_version("churn", 2, active=True)
    client = client_for(Role.ADMIN)
    page = client.get(reverse("web:model_cards")).content.decode()
    assert "Roll back to the previous version" in page
    assert reverse("web:model_activate", args=[first.pk]) in page

    response = client.post(reverse("web:model_activate", args=[first.pk]), follow=True)
    assert "Churn risk v1 is now active." in response.content.decode()
    assert ModelVersion.objects.get(is_active=True) == first

    client.post(reverse("web:model_activate", args=[second.pk]))
    response = client.post(reverse("web:model_rollback", args=["churn"]), follow=True)
    assert "Rolled back" in response.content.decode()
    assert ModelVersion.objects.get(is_active=True) == first
    assert AuditEvent.objects.filter(action="activate_model").count() == 3

    response = client.post(reverse("web:model_rollback", args=["churn"]), follow=True)
    assert "Nothing to roll back to" in response.content.decode()
    assert client.post(reverse("web:model_rollback", args=["nope"])).status_code == 302
    assert client.post(reverse("web:model_activate", args=[99999])).status_code == 302
    assert client.get(reverse("web:model_activate", args=[first.pk])).status_code == 405


@pytest.mark.django_db
def test_model_card_shows_the_rows_and_the_misses(client_for: Any, tmp_path: Path, monkeypatch: Any) -> None:
    rows = [ROW, {**ROW, "dataset": "<b>other</b>", "seen": False, "met": False}]
    path = write_report(tmp_path, rows)
    monkeypatch.setattr("smartcrm.modelregistry.robustness.SNAPSHOT", path)
    make_version("clv", 1, active=True)
    page = client_for(Role.ANALYST).get(reverse("web:model_cards")).content.decode()
    assert "How the method holds on data it never saw" in page
    assert "1 miss" in page and "<strong>Miss</strong>" in page
    assert "&lt;b&gt;other&lt;/b&gt;" in page and "<b>other</b>" not in page
    assert "1.600" in page and "bgnbd" in page
