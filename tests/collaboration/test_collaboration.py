"""Followers, the notification centre, hand-overs and the email digest."""

from __future__ import annotations

from typing import Any

import pytest

from smartcrm.accounts.roles import Role
from smartcrm.activities.models import Activity
from smartcrm.collaboration import digest, services
from smartcrm.collaboration.models import Handover, Notification, NotificationKind
from smartcrm.customers.services import add_note, update_customer
from smartcrm.pipeline.services import update_deal
from smartcrm.support.services import add_customer_message, open_ticket, update_ticket
from smartcrm.teams import services as teams
from smartcrm.teams.models import TeamKind
from tests.factories import CustomerFactory, DealFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_followers_hear_of_changes_until_they_unfollow(api_as: Any) -> None:
    api = api_as(Role.SUPPORT)
    ticket = open_ticket(actor="widget", customer=CustomerFactory(), subject="Late parcel", body="Where?")
    followed = api.put(f"/follows/ticket/{ticket.pk}")
    assert followed.status_code == 200 and followed.json()["following"] is True
    assert api.put(f"/follows/ticket/{ticket.pk}").json()["followers"] == ["support-user"]  # idempotent
    add_customer_message(actor="widget", ticket=ticket, body="Still waiting")
    update_ticket(actor="test", ticket=ticket, priority="high")
    texts = [n["text"] for n in api.get("/notifications").json()["items"]]
    assert texts == [
        f"#{ticket.pk} Late parcel was changed",
        f"The customer wrote on #{ticket.pk} Late parcel",
    ]
    assert api.delete(f"/follows/ticket/{ticket.pk}").json()["following"] is False
    add_customer_message(actor="widget", ticket=ticket, body="Hello?")
    assert api.get("/notifications/unread-count").json() == {"unread": 2}


def test_follow_needs_the_records_capability_and_an_existing_record(api_as: Any) -> None:
    deal = DealFactory()
    marketing = api_as(Role.MARKETING)
    assert marketing.put(f"/follows/deal/{deal.pk}").status_code == 403
    assert marketing.put("/follows/planet/1").status_code == 422  # not a kind: a field error
    sales = api_as(Role.SALES)
    assert sales.put(f"/follows/deal/{deal.pk + 1000}").status_code == 404
    assert sales.put(f"/follows/deal/{deal.pk}").status_code == 200
    update_deal(actor="test", deal=deal, values={"title": "Bigger"})
    assert Notification.objects.get().target_label == "Bigger"


def test_marking_read_touches_only_my_notifications(api_as: Any) -> None:
    me, other = api_as(Role.SUPPORT), UserFactory(username="other", role=Role.SUPPORT)
    customer = CustomerFactory()
    mine = services.notify(recipients=[me.user], kind=NotificationKind.MENTION, target=customer, actor=None)
    theirs = services.notify(recipients=[other], kind=NotificationKind.MENTION, target=customer, actor=None)
    answer = me.post("/notifications/read", {"ids": [mine[0].pk, theirs[0].pk]})
    assert answer.json() == {"marked": 1}
    assert Notification.objects.get(pk=theirs[0].pk).read_at is None
    assert me.get("/notifications?unread=true").json()["items"] == []


def test_a_hand_over_moves_the_customer_shows_on_the_timeline_and_tells_the_team(api_as: Any) -> None:
    sales_lead = UserFactory(username="sales-lead", role=Role.SALES)
    seller = UserFactory(username="seller", role=Role.SALES)
    sales = teams.create_team(actor="t", name="Sales", kind=TeamKind.SALES, lead=sales_lead)
    teams.add_member(actor="t", team=sales, user=seller)
    customer = CustomerFactory(name="Li Lei")
    api = api_as(Role.SUPPORT)
    body = {"to_team_id": sales.pk, "kind": "upsell", "note": "Asked about the wholesale price list."}
    answer = api.post(f"/customers/{customer.pk}/handovers", body)
    assert answer.status_code == 201, answer.content
    customer.refresh_from_db()
    assert customer.owner_team == sales
    activity = Activity.objects.get(customer=customer)
    assert "Sales" in activity.summary and "wholesale price list" in activity.summary
    told = sorted(
        Notification.objects.filter(kind=NotificationKind.HANDOVER).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == ["sales-lead", "seller"]
    again = api.post(f"/customers/{customer.pk}/handovers", body)
    assert again.status_code == 422 and Handover.objects.count() == 1
    empty = api.post(f"/customers/{customer.pk}/handovers", {**body, "to_team_id": sales.pk, "note": "  "})
    assert empty.status_code == 422
    assert api_as(Role.ANALYST).post(f"/customers/{customer.pk}/handovers", body).status_code == 403
    assert [h["kind"] for h in api.get(f"/customers/{customer.pk}/handovers").json()] == ["upsell"]


def test_digests_mail_unread_notifications_once_on_each_users_schedule(smtp: Any, api_as: Any) -> None:
    daily = UserFactory(username="daily", email="daily@shop.example", role=Role.SUPPORT)
    hourly = UserFactory(username="hourly", email="hourly@shop.example", role=Role.SUPPORT)
    never = UserFactory(username="never", email="never@shop.example", role=Role.SUPPORT)
    services.set_digest(user=hourly, digest="hourly")
    services.set_digest(user=never, digest="never")
    customer = CustomerFactory(name="Zhang San")
    services.notify(
        recipients=[daily, hourly, never], kind=NotificationKind.MENTION, target=customer, actor=None
    )
    assert digest.send_digests("hourly").sent == 1
    assert smtp.recipients == ["hourly@shop.example"]
    assert digest.send_digests("daily").sent == 1
    assert smtp.recipients == ["hourly@shop.example", "daily@shop.example"]
    body = smtp.mails[1].get_content()
    assert (
        "Someone mentioned you on Zhang San" in body
        and f"https://crm.shop.example/customers/{customer.pk}/" in body
    )
    assert digest.send_digests("daily").sent == 0 and digest.send_digests("hourly").sent == 0  # once
    assert len(smtp.mails) == 2


def test_nobody_is_notified_of_their_own_action() -> None:
    """A self-mention, and a change to a record the author follows, tell only the others."""
    ada, bob = UserFactory(username="ada", role=Role.SUPPORT), UserFactory(username="bob", role=Role.SUPPORT)
    customer = CustomerFactory()
    ticket = open_ticket(actor="widget", customer=customer, subject="Late parcel", body="Where?")
    deal = DealFactory()
    manager = UserFactory(username="mgr", role=Role.MANAGER)
    for user in (ada, bob):
        services.follow(user=user, target=ticket)
        services.follow(user=user, target=customer)
    services.follow(user=manager, target=deal)
    add_note(actor=ada, customer=customer, body="Note to self, @ada: call back")
    update_ticket(actor=ada, ticket=ticket, priority="high")
    update_customer(actor=ada, customer=customer, values={"city": "Hangzhou"})
    update_deal(actor=manager, deal=deal, values={"title": "Mine"})
    received = sorted(Notification.objects.values_list("recipient__username", "kind", "target_kind"))
    assert received == [
        ("bob", NotificationKind.FOLLOWED_CHANGE, "customer"),  # the note
        ("bob", NotificationKind.FOLLOWED_CHANGE, "customer"),  # the city
        ("bob", NotificationKind.FOLLOWED_CHANGE, "ticket"),
    ]
    update_ticket(actor=bob, ticket=ticket, priority="low")
    assert Notification.objects.filter(recipient=ada, target_kind="ticket").count() == 1
    update_ticket(actor="workflow", ticket=ticket, priority="high")  # no person: both are told
    assert Notification.objects.filter(target_kind="ticket").count() == 4
