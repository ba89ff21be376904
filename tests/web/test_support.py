"""The inbox, the thread view, replying and changing a ticket."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from smartcrm.accounts.roles import Role
from smartcrm.support.models import AuthorKind, Priority, TicketMessage, TicketStatus
from tests import factories
from tests.web.conftest import Shop


def test_inbox_lists_urgent_tickets_first_and_filters(shop: Shop, client_for: Any) -> None:
    factories.TicketFactory(subject="Everything is on fire", priority=Priority.URGENT)
    factories.TicketFactory(subject="Old and solved", status=TicketStatus.SOLVED)
    client = client_for(Role.SUPPORT)
    page = client.get(reverse("web:ticket_inbox")).content.decode()
    assert page.index("Everything is on fire") < page.index("Gear arrived bent")
    assert "Old and solved" not in page
    page = client.get(reverse("web:ticket_inbox"), {"status": "solved"}).content.decode()
    assert "Old and solved" in page
    assert "Gear arrived bent" not in page
    page = client.get(reverse("web:ticket_inbox"), {"priority": "urgent"}).content.decode()
    assert "Everything is on fire" in page
    assert "Gear arrived bent" not in page


def test_thread_shows_messages_by_author(shop: Shop, client_for: Any) -> None:
    factories.TicketMessageFactory(
        ticket=shop.ticket, author_kind=AuthorKind.AGENT, body="Internal: check the batch", is_internal=True
    )
    page = client_for(Role.SUPPORT).get(reverse("web:ticket_detail", args=[shop.ticket.pk])).content.decode()
    assert "My gear is bent, please help." in page
    assert "msg-customer" in page
    assert "msg-internal" in page
    assert "Internal note" in page


def test_a_reply_creates_a_message_and_redirects_to_it(shop: Shop, client_for: Any) -> None:
    client = client_for(Role.SUPPORT)
    response = client.post(
        reverse("web:ticket_reply", args=[shop.ticket.pk]), {"body": "A new gear is on its way."}
    )
    message = TicketMessage.objects.get(ticket=shop.ticket, author_kind=AuthorKind.AGENT)
    assert message.body == "A new gear is on its way."
    assert not message.is_internal
    assert response.status_code == 302
    assert response["Location"].endswith(f"#message-{message.pk}")
    shop.ticket.refresh_from_db()
    assert shop.ticket.status == TicketStatus.PENDING
    page = client.get(response["Location"]).content.decode()
    assert "A new gear is on its way." in page
    assert "Reply sent." in page


def test_an_internal_note_with_a_status(shop: Shop, client_for: Any) -> None:
    client_for(Role.SUPPORT).post(
        reverse("web:ticket_reply", args=[shop.ticket.pk]),
        {"body": "Escalated to the warehouse", "internal": "1", "status": "solved"},
    )
    message = TicketMessage.objects.get(ticket=shop.ticket, author_kind=AuthorKind.AGENT)
    assert message.is_internal
    shop.ticket.refresh_from_db()
    assert shop.ticket.status == TicketStatus.SOLVED


def test_an_empty_reply_shows_the_error(shop: Shop, client_for: Any) -> None:
    response = client_for(Role.SUPPORT).post(
        reverse("web:ticket_reply", args=[shop.ticket.pk]), {"body": " "}
    )
    assert response.status_code == 400
    assert "A message cannot be empty." in response.content.decode()
    assert not TicketMessage.objects.filter(author_kind=AuthorKind.AGENT).exists()


def test_changing_priority_status_and_assignee(shop: Shop, client_for: Any, make_user: Any) -> None:
    agent = make_user(Role.SUPPORT, username="agent-bea")
    client = client_for(Role.MANAGER)
    response = client.post(
        reverse("web:ticket_update", args=[shop.ticket.pk]),
        {"status": "open", "priority": "urgent", "assignee": str(agent.pk)},
    )
    assert response.status_code == 302
    shop.ticket.refresh_from_db()
    assert shop.ticket.priority == Priority.URGENT
    assert shop.ticket.priority_rank == 0
    assert shop.ticket.assignee == agent


def test_a_ticket_cannot_be_assigned_to_someone_who_cannot_answer_it(
    shop: Shop, client_for: Any, make_user: Any
) -> None:
    analyst = make_user(Role.ANALYST, username="analyst-al")
    response = client_for(Role.SUPPORT).post(
        reverse("web:ticket_update", args=[shop.ticket.pk]),
        {"status": "open", "priority": "normal", "assignee": str(analyst.pk)},
    )
    assert response.status_code == 400
    shop.ticket.refresh_from_db()
    assert shop.ticket.assignee is None
