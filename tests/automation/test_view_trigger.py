"""The "customer enters a saved view" trigger: the first pass is a baseline; a customer who enters
fires once (however often the pass runs); leaving and coming back fires again; a change to the
customer is seen at once; the definition names a saved customer view. And a saved view is a
campaign audience: its customers, reachable by email, are who the campaign sends to."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from smartcrm.automation import services, view_entries
from smartcrm.automation.models import ViewMember, WorkflowRun
from smartcrm.campaigns.audience import campaign_audience
from smartcrm.campaigns.models import Campaign
from smartcrm.collaboration.models import SavedView
from smartcrm.core.errors import ServiceValidationError
from smartcrm.customers import services as customers
from smartcrm.customers.models import Customer
from tests import factories

pytestmark = pytest.mark.django_db
BIG_IN_CHINA = {"country": "CN", "min_spent": "100"}


def _view(owner: Any = None, **filters: str) -> SavedView:
    return SavedView.objects.create(
        owner=owner or factories.UserFactory(), list_kind="customers", name="view", filters=filters
    )


def _entering(commit: Callable[..., Any], view: SavedView) -> Any:
    workflow = commit(
        services.create_workflow,
        actor="test",
        name="welcome big buyers",
        trigger={"type": "view", "view_id": view.pk},
        steps=[{"action": "add_tag", "tag": "vip-welcome"}],
        enabled=True,
    )
    services.forget_listening()
    return workflow


def _spend(customer: Customer, amount: str) -> None:
    Customer.objects.filter(pk=customer.pk).update(total_spent=Decimal(amount))  # as an order would


def test_entering_fires_once_leaving_and_coming_back_fires_again(commit: Callable[..., Any]) -> None:
    view = _view(**BIG_IN_CHINA)
    already = factories.CustomerFactory(country="CN", total_spent=Decimal("500"))
    later = factories.CustomerFactory(country="CN", total_spent=Decimal("5"))
    factories.CustomerFactory(country="US", total_spent=Decimal("900"))  # never in it
    workflow = _entering(commit, view)
    assert commit(view_entries.check_all) == 0  # the baseline: who is in it now fires nothing
    assert list(ViewMember.objects.values_list("customer_id", flat=True)) == [already.pk]
    _spend(later, "150")
    assert commit(view_entries.check_all) == 1
    assert commit(view_entries.check_all) == 0  # idempotent: the same entry never fires twice
    run = WorkflowRun.objects.get(workflow=workflow)
    assert (run.customer_id, run.event, run.context["view.id"]) == (later.pk, "view.entered", view.pk)
    assert later.tags.filter(name="vip-welcome").exists()
    _spend(later, "5")
    assert commit(view_entries.check_all) == 0  # leaving fires nothing
    assert not ViewMember.objects.filter(customer=later).exists()
    _spend(later, "300")
    assert commit(view_entries.check_all) == 1  # back in: a new entry
    assert WorkflowRun.objects.filter(workflow=workflow, customer=later).count() == 2
    assert not WorkflowRun.objects.filter(customer=already).exists()


def test_a_change_to_the_customer_is_seen_without_waiting_for_the_pass(commit: Callable[..., Any]) -> None:
    view = _view(country="CN")
    customer = factories.CustomerFactory(country="US")
    _entering(commit, view)
    commit(view_entries.check_all)
    commit(customers.update_customer, actor="test", customer=customer, values={"country": "CN"})
    assert WorkflowRun.objects.filter(customer=customer, event="view.entered").count() == 1
    assert commit(view_entries.check_all) == 0  # the pass finds the entry already recorded
    commit(customers.update_customer, actor="test", customer=customer, values={"city": "Shanghai"})
    assert WorkflowRun.objects.filter(customer=customer).count() == 1  # still in: no new entry
    made = commit(
        customers.create_customer,
        actor="test",
        values={"first_name": "Fang", "last_name": "Wang", "country": "CN"},
    )
    assert WorkflowRun.objects.filter(customer=made, event="view.entered").count() == 1


def test_a_first_look_from_a_customer_change_is_the_whole_views_baseline(commit: Callable[..., Any]) -> None:
    view = _view(country="CN")
    inside = [factories.CustomerFactory(country="CN") for _ in range(3)]
    mover = factories.CustomerFactory(country="US")
    _entering(commit, view)
    commit(customers.update_customer, actor="test", customer=mover, values={"country": "CN"})
    assert not WorkflowRun.objects.exists()  # nobody "entered" before the view was watched
    members = set(ViewMember.objects.values_list("customer_id", flat=True))
    assert members == {c.pk for c in inside} | {mover.pk}
    assert commit(view_entries.check_all) == 0


def test_the_trigger_must_name_a_saved_customer_view(commit: Callable[..., Any]) -> None:
    orders_view = SavedView.objects.create(owner=factories.UserFactory(), list_kind="orders", name="o")
    for view_id in (orders_view.pk, orders_view.pk + 1000, "1", True):
        with pytest.raises(ServiceValidationError, match=r"trigger\.view_id"):
            services.create_workflow(
                actor="t",
                name="x",
                trigger={"type": "view", "view_id": view_id},
                steps=[{"action": "add_tag", "tag": "x"}],
            )


def test_a_saved_view_is_a_campaign_audience(make_user: Any) -> None:
    marketer = make_user()
    view = _view(marketer, **BIG_IN_CHINA)
    wanted = []
    for country, spent, consent in (
        ("CN", "500", True),
        ("CN", "500", False),
        ("CN", "5", True),
        ("US", "500", True),
    ):
        customer = factories.CustomerFactory(country=country, total_spent=Decimal(spent))
        if consent:
            customers.set_consent(actor="t", customer=customer, channel="email", status="granted")
        if (country, spent, consent) == ("CN", "500", True):
            wanted.append(customer.pk)
    client = Client()
    client.force_login(marketer)
    made = client.post(
        "/api/v1/campaigns", {"name": "Spring", "saved_view_id": view.pk}, content_type="application/json"
    )
    assert made.status_code == 201, made.content
    campaign = Campaign.objects.get()
    assert sorted(campaign_audience(campaign).values_list("pk", flat=True)) == wanted
