"""@mentions in customer notes and ticket internal notes notify the named staff who may see the
record, at once; a reply to the customer or an email address mentions nobody."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from smartcrm.accounts.roles import Role
from smartcrm.collaboration.mentions import mentioned_names
from smartcrm.collaboration.models import Notification, NotificationKind
from smartcrm.customers.services import add_note
from smartcrm.support.services import open_ticket, reply_to_ticket
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_names_are_parsed_safely() -> None:
    text = "Hi @ada, ask @bob.smith. Not mail@example.com, not @@x; @李雷 and @ada again. <b>@eve</b>"
    assert mentioned_names(text) == ["ada", "bob.smith", "李雷", "eve"]
    assert mentioned_names("no mentions here") == []
    assert len(mentioned_names(" ".join(f"@u{i}" for i in range(50)))) == 20


def test_a_note_notifies_the_mentioned_staff_who_may_see_customers() -> None:
    author = UserFactory(username="ada", role=Role.SALES)
    UserFactory(username="bob", role=Role.SUPPORT)
    UserFactory(username="gone", role=Role.SUPPORT, is_active=False)
    customer = CustomerFactory(name="Wang Wei")
    add_note(actor=author, customer=customer, body="@bob please call back. cc @ada @gone @nobody x@bob.com")
    rows = list(Notification.objects.all())
    assert [(n.recipient.username, n.kind, n.target_label, n.actor) for n in rows] == [
        ("bob", NotificationKind.MENTION, "Wang Wei", author)
    ]


def test_internal_notes_mention_and_replies_do_not() -> None:
    agent = UserFactory(username="agent", role=Role.SUPPORT)
    UserFactory(username="lead", role=Role.SUPPORT)
    UserFactory(username="seller", role=Role.SALES)  # cannot see tickets: never told about one
    ticket = open_ticket(actor="widget", customer=CustomerFactory(), subject="Broken", body="It broke")
    reply_to_ticket(actor=agent, ticket=ticket, body="Thanks @lead, we are on it", internal=False)
    assert Notification.objects.count() == 0
    reply_to_ticket(actor=agent, ticket=ticket, body="@lead @seller refund or replace?", internal=True)
    assert list(Notification.objects.values_list("recipient__username", "target_kind", "target_id")) == [
        ("lead", "ticket", ticket.pk)
    ]


def test_the_mentioned_user_sees_the_badge_at_the_next_request(client_for: Any) -> None:
    author_client = client_for(Role.SUPPORT)
    mentioned = UserFactory(username="mei", role=Role.SUPPORT)
    customer = CustomerFactory()
    response = author_client.post(
        f"/customers/{customer.pk}/notes/", {"body": "@mei can you look? <script>x</script>"}
    )
    assert response.status_code in (200, 302)
    reader = Client()
    reader.force_login(mentioned)
    page = reader.get("/notifications/").content.decode()
    assert 'id="unread-count">1<' in page
    assert "support-user mentioned you on" in page and "<script>" not in page
    api = reader.get("/api/v1/notifications/unread-count")
    assert api.json() == {"unread": 1}
