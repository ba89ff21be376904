"""Agent assist on the ticket page: a suggested reply from the help center with its source, a
summary, related articles, one click to insert it, and whether the sent reply used it; the
report (deflection, handoff reasons, suggestion use, unanswered questions grouped into drafts)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from smartcrm.accounts.roles import Role
from smartcrm.assistant import services
from smartcrm.assistant.agent_assist import assist_for_ticket
from smartcrm.assistant.models import ReplySuggestion
from smartcrm.assistant.reports import assistant_report
from smartcrm.knowledge.models import Article, ArticleSource, ArticleStatus
from smartcrm.support.models import Ticket
from smartcrm.support.selectors import get_ticket_thread
from smartcrm.support.services import reply_to_ticket
from tests.factories import CustomerFactory, TicketFactory, TicketMessageFactory
from tests.web.conftest import XSS

pytestmark = pytest.mark.django_db


@pytest.fixture
def returns_ticket(help_center: dict[tuple[str, str], Article]) -> Ticket:
    ticket = TicketFactory(subject="Sending a jacket back", language="en")
    TicketMessageFactory(ticket=ticket, body="Hi! How many days do I have to send stuff back?")
    return ticket


def test_the_suggestion_answers_the_latest_question_from_the_help_center(
    returns_ticket: Ticket, help_center: dict[tuple[str, str], Article]
) -> None:
    assist = assist_for_ticket(get_ticket_thread(returns_ticket.pk))
    assert assist.suggestion is not None and "30 days" in assist.suggestion.body
    assert assist.related[0]["article_id"] == help_center["returns-policy", "en"].pk
    again = assist_for_ticket(get_ticket_thread(returns_ticket.pk))
    assert again.suggestion is not None and again.suggestion.pk == assist.suggestion.pk
    assert ReplySuggestion.objects.filter(ticket=returns_ticket).count() == 1


def test_a_chinese_ticket_gets_a_chinese_suggestion(help_center: dict[tuple[str, str], Article]) -> None:
    ticket = TicketFactory(subject="退货", language="zh-Hans")
    TicketMessageFactory(ticket=ticket, body="买的东西不想要了，多久之内能退？")
    assist = assist_for_ticket(get_ticket_thread(ticket.pk))
    assert assist.suggestion is not None and assist.suggestion.body.startswith("您好")
    assert assist.related[0]["article_id"] == help_center["returns-policy", "zh-Hans"].pk


def test_no_confident_answer_means_no_suggested_text(help_center: dict[tuple[str, str], Article]) -> None:
    ticket = TicketFactory(subject="Question", language="en")
    TicketMessageFactory(ticket=ticket, body="Who won the football match last night?")
    assist = assist_for_ticket(get_ticket_thread(ticket.pk))
    assert assist.suggestion is not None and assist.suggestion.body == ""


def test_insert_then_send_records_that_the_agent_used_it(
    client_for: Any, returns_ticket: Ticket, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(Role.SUPPORT)
    page = client.get(reverse("web:ticket_detail", args=[returns_ticket.pk])).content.decode()
    assert "Suggested reply" in page and "30 days" in page and "Returns policy" in page
    suggestion = ReplySuggestion.objects.get(ticket=returns_ticket)
    inserted = client.post(reverse("web:ticket_insert_suggestion", args=[returns_ticket.pk, suggestion.pk]))
    assert inserted.status_code == 302 and f"insert={suggestion.pk}" in inserted["Location"]
    prefilled = client.get(inserted["Location"]).content.decode()
    assert "30 days" in prefilled.split('name="body"')[1].split("</textarea>")[0]
    suggestion.refresh_from_db()
    assert suggestion.inserted_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        sent = reply_to_ticket(actor="test", ticket=returns_ticket, body=suggestion.body + "\nBest, Sam")
    suggestion.refresh_from_db()
    assert suggestion.sent_message == sent and suggestion.kept is not None and suggestion.kept > 0.9


def test_a_reply_written_from_scratch_keeps_little(
    returns_ticket: Ticket, django_capture_on_commit_callbacks: Any
) -> None:
    assist_for_ticket(get_ticket_thread(returns_ticket.pk))
    with django_capture_on_commit_callbacks(execute=True):
        reply_to_ticket(actor="test", ticket=returns_ticket, body="Call me tomorrow, I'll sort it out.")
    suggestion = ReplySuggestion.objects.get(ticket=returns_ticket)
    assert suggestion.kept is not None and suggestion.kept < 0.5 and suggestion.inserted_at is None


def test_roles_that_cannot_reply_see_no_assist_and_cannot_insert(
    client_for: Any, returns_ticket: Ticket
) -> None:
    client = client_for(Role.ANALYST)
    page = client.get(reverse("web:ticket_detail", args=[returns_ticket.pk]))
    assert page.status_code in (200, 403) and b"Suggested reply" not in page.content
    refused = client.post(reverse("web:ticket_insert_suggestion", args=[returns_ticket.pk, 1]))
    assert refused.status_code == 403
    assert not ReplySuggestion.objects.exists()


def test_the_report_counts_deflection_handoffs_and_groups_unanswered_questions(
    client_for: Any, help_center: dict[tuple[str, str], Article]
) -> None:
    customer = CustomerFactory(email="kim@example.com")
    answered = services.start_conversation()
    services.customer_says(conversation=answered, text="how many days do i have to send stuff back?")
    person = services.start_conversation()
    services.customer_says(conversation=person, text="I want to talk to a human")
    lost = []
    for text in (f"do you have a store in berlin {XSS}", "is there a shop in berlin I can visit"):
        conversation = services.start_conversation()
        conversation.customer = customer
        conversation.save(update_fields=["customer"])
        services.customer_says(conversation=conversation, text=text)
        lost.append(conversation)

    report = assistant_report(days=7)
    assert report.conversations == 4 and report.deflected == 1 and report.deflection_rate == 0.25
    assert ("Asked for a person", 1) in report.handoff_reasons
    berlin = [g for g in report.unanswered if "berlin" in g.title]
    assert len(berlin) == 1 and len(berlin[0].questions) == 2

    client = client_for(Role.SUPPORT)
    page = client.get(reverse("web:assistant_report")).content.decode()
    assert "25%" in page and "Asked for a person" in page and "berlin" in page
    assert "<script>alert" not in page
    # Support may edit the help center: the group becomes a draft article.
    drafted = client.post(reverse("web:draft_from_unanswered"), {"message": berlin[0].message_ids})
    article = Article.objects.get(source=ArticleSource.CHATS)
    assert drafted.status_code == 302 and drafted["Location"].endswith(f"/knowledge/{article.pk}/")
    assert article.status == ArticleStatus.DRAFT and "shop in berlin" in article.body
    assert client_for(Role.SALES).get(reverse("web:assistant_report")).status_code == 403
    refused = client_for(Role.ANALYST).post(reverse("web:draft_from_unanswered"), {"message": [1]})
    assert refused.status_code == 403
