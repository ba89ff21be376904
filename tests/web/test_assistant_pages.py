"""The conversations pages: the transcript with the assistant's decisions, escaped, for the
roles that read tickets."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from smartcrm.accounts.roles import Role
from smartcrm.assistant.models import Conversation, ConversationMessage, ConversationState, Speaker
from tests.web.conftest import XSS

pytestmark = pytest.mark.django_db


@pytest.fixture
def chat() -> Conversation:
    conversation = Conversation.objects.create(
        state=ConversationState.HANDED_OFF, handoff_reason="asked_for_a_person"
    )
    ConversationMessage.objects.create(
        conversation=conversation, speaker=Speaker.CUSTOMER, body=f"help {XSS}"
    )
    ConversationMessage.objects.create(
        conversation=conversation, speaker=Speaker.ASSISTANT, body="Passing you on.", action="handoff",
        reason="asked_for_a_person",
    )  # fmt: skip
    return conversation


def test_list_and_transcript(client_for: Any, chat: Conversation) -> None:
    client = client_for(Role.SUPPORT)
    listing = client.get(reverse("web:conversation_list"), {"state": "handed_off"}).content.decode()
    assert f"#{chat.pk}" in listing and "asked_for_a_person" in listing
    page = client.get(reverse("web:conversation_detail", args=[chat.pk])).content.decode()
    assert "Passing you on." in page and "handoff" in page
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_roles_without_tickets_are_refused(client_for: Any, chat: Conversation) -> None:
    assert client_for(Role.SALES).get(reverse("web:conversation_list")).status_code == 403
    assert client_for(Role.SUPPORT).get(reverse("web:conversation_detail", args=[999999])).status_code == 404
