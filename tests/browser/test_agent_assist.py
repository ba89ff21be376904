"""Agent assist in Chromium: a support agent opens a customer's question, inserts the suggested
reply from the help center, edits and sends it; the report then shows the suggestion as used."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from smartcrm.accounts.roles import Role
from smartcrm.assistant.models import ReplySuggestion
from smartcrm.knowledge.models import Article
from tests import factories
from tests.assistant.conftest import help_center  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_inserts_the_suggested_reply_and_sends_it(
    page: Page,
    login: Any,
    live_server: Any,
    help_center: dict[tuple[str, str], Article],  # noqa: F811
) -> None:
    factories.UserFactory(username="sam", role=Role.SUPPORT)
    ticket = factories.TicketFactory(subject="Sending a jacket back", language="en")
    factories.TicketMessageFactory(ticket=ticket, body="Hi! How many days do I have to send stuff back?")

    login(page, "sam")
    page.goto(f"{live_server.url}/inbox/{ticket.pk}/")
    card = page.locator("#assist")
    expect(card.get_by_text("Suggested reply")).to_be_visible()
    expect(card).to_contain_text("30 days")
    expect(card.get_by_role("link", name="Returns policy")).to_be_visible()

    card.get_by_role("button", name="Insert into reply").click()
    box = page.locator("textarea[name=body]")
    expect(box).to_have_value(re.compile("30 days"))
    box.press("End")
    box.type("\nBest, Sam")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Reply sent.")).to_be_visible()

    suggestion = ReplySuggestion.objects.get(ticket=ticket)
    assert suggestion.inserted_at is not None and suggestion.kept is not None and suggestion.kept > 0.9
    page.goto(f"{live_server.url}/conversations/report/")
    expect(page.get_by_text("1 / 1")).to_be_visible()
