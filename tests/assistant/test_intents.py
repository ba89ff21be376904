"""Shop-defined intents in a conversation and on their pages: the shop's response answers a
matching message before the articles, a changed intent applies at the next message, and the
editor validates, audits and is limited to the roles that edit the help center."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from smartcrm.accounts.roles import Role
from smartcrm.assistant import services
from smartcrm.core.errors import ServiceValidationError
from smartcrm.core.models import AuditEvent
from smartcrm.knowledge.models import Article, Intent
from smartcrm.knowledge.services import IntentInput, save_intent
from tests.web.conftest import XSS

pytestmark = pytest.mark.django_db

WRAP = IntentInput(
    name="gift-wrapping",
    language="en",
    phrases=["do you gift wrap", "can you wrap it as a present", "is gift wrapping available"],
    response="Yes: tick Gift wrap at checkout ($3).",
)


def test_a_matching_message_gets_the_shops_response(help_center: dict[tuple[str, str], Article]) -> None:
    save_intent(actor="test", data=WRAP)
    conversation = services.start_conversation()
    reply = services.customer_says(conversation=conversation, text="could you wrap it as a gift?")
    assert (reply.action, reply.reason, reply.intent) == ("answer", "shop_intent", "gift-wrapping")
    assert reply.body == WRAP.response and reply.confidence is not None
    # The articles still answer what no intent covers.
    other = services.customer_says(
        conversation=conversation, text="how many days do i have to send stuff back?"
    )
    assert other.reason == "confident" and other.intent == ""


def test_a_changed_or_deactivated_intent_applies_at_the_next_message(
    help_center: dict[tuple[str, str], Article],
) -> None:
    intent = save_intent(actor="test", data=WRAP)
    conversation = services.start_conversation()
    save_intent(
        actor="test",
        data=IntentInput(**{**WRAP.__dict__, "response": "No gift wrap, sorry."}),
        intent_id=intent.pk,
    )
    assert (
        services.customer_says(conversation=conversation, text="do you gift wrap").body
        == "No gift wrap, sorry."
    )
    save_intent(actor="test", data=IntentInput(**{**WRAP.__dict__, "active": False}), intent_id=intent.pk)
    assert services.customer_says(conversation=conversation, text="do you gift wrap").reason != "shop_intent"


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("name", {"name": "Gift Wrapping!"}),
        ("phrases", {"phrases": []}),
        ("response", {"response": "  "}),
        ("language", {"language": "fr"}),
    ],
)
def test_bad_intents_are_refused_field_by_field(field: str, values: dict[str, Any]) -> None:
    with pytest.raises(ServiceValidationError) as refused:
        save_intent(actor="test", data=IntentInput(**{**WRAP.__dict__, **values}))
    assert field in refused.value.errors
    assert not Intent.objects.exists()


def test_the_pages_create_try_and_escape(
    client_for: Any, help_center: dict[tuple[str, str], Article]
) -> None:
    client = client_for(Role.SUPPORT)
    created = client.post(
        reverse("web:intent_new"),
        {"name": "thanks", "language": "en", "phrases": "thanks\nthank you\n\nthanks a lot",
         "response": f"You're welcome {XSS}", "active": "on"},
    )  # fmt: skip
    assert created.status_code == 302
    intent = Intent.objects.get()
    assert intent.phrases == ["thanks", "thank you", "thanks a lot"]
    assert AuditEvent.objects.filter(object_type="knowledge.intent", action="create").count() == 1
    page = client.get(reverse("web:intent_list"), {"text": "many thanks", "language": "en"}).content.decode()
    assert "Matches <strong>thanks</strong>" in page and "<script>alert" not in page
    missed = client.get(reverse("web:intent_list"), {"text": "where is my parcel", "language": "en"})
    assert "No intent matches" in missed.content.decode()
    clash = client.post(
        reverse("web:intent_new"), {"name": "thanks", "language": "en", "phrases": "ty", "response": "np"}
    )
    assert clash.status_code == 400 and "already has an intent" in clash.content.decode()
    assert client_for(Role.ANALYST).get(reverse("web:intent_list")).status_code == 403


def test_a_greeting_before_a_question_still_gets_the_article(
    help_center: dict[tuple[str, str], Article],
) -> None:
    save_intent(actor="test", data=IntentInput("greeting", "zh-Hans", ["你好", "您好", "在吗"], "您好！"))
    conversation = services.start_conversation()
    assert services.customer_says(conversation=conversation, text="你好").reason == "shop_intent"
    reply = services.customer_says(conversation=conversation, text="你好，买的东西不想要了，多久之内能退？")
    assert reply.reason == "confident" and "退货政策" in reply.body
