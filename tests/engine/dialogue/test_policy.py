"""The assistant's turn policy: each rule in order, in English and Chinese."""

from __future__ import annotations

import pytest

from smartcrm.engine.dialogue import Action, Retrieved, TurnContext, decide_turn
from smartcrm.engine.dialogue.cues import order_numbers, tool_asked

SURE = Retrieved(answerable=True, confidence=0.9, article_ids=["returns", "exchanges"])
UNSURE = Retrieved(answerable=False, confidence=0.2, article_ids=["sizes", "care", "warranty", "x"])


def _decide(text: str, retrieved: Retrieved = SURE, **state: object) -> tuple[Action, str]:
    decision = decide_turn(TurnContext(text=text, retrieved=retrieved, **state))  # type: ignore[arg-type]
    return decision.action, decision.reason


@pytest.mark.parametrize(
    "text",
    ["Can I talk to a human please", "I want a real person", "转人工", "我要人工客服", "get me an agent"],
)
def test_asking_for_a_person_hands_off(text: str) -> None:
    assert _decide(text) == (Action.HANDOFF, "asked_for_a_person")


def test_urgent_or_angry_hands_off_even_when_the_answer_is_known() -> None:
    assert _decide("How do returns work", urgency_level="urgent") == (Action.HANDOFF, "angry_or_urgent")
    assert _decide("How do returns work", urgency_level="high")[0] is Action.ANSWER


def test_the_shop_setting_and_an_ongoing_handoff_win() -> None:
    assert _decide("How do returns work", always_hand_off=True) == (Action.HANDOFF, "shop_setting")
    assert _decide("thanks", with_a_person=True) == (Action.HANDOFF, "with_a_person")


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("where is my order #10023?", "order_status"),
        ("我的订单到哪了", "order_status"),
        ("I want to return the blue mug from order 10023", "start_return"),
        ("我要退货", "start_return"),
        ("please open a ticket for me", "open_ticket"),
        ("do you sell gift cards", None),
    ],
)
def test_tools_by_their_words(text: str, tool: str | None) -> None:
    assert tool_asked(text) == tool


def test_order_tools_need_an_identified_customer_first() -> None:
    decision = decide_turn(TurnContext("where is my order?", SURE))
    assert (decision.action, decision.tool) == (Action.IDENTIFY, "order_status")
    decision = decide_turn(TurnContext("where is my order?", SURE, identified=True))
    assert (decision.action, decision.tool) == (Action.TOOL, "order_status")
    assert decide_turn(TurnContext("open a ticket please", SURE)).action is Action.TOOL


def test_confident_answers_cite_the_best_article() -> None:
    decision = decide_turn(TurnContext("how long do I have to send things back", SURE))
    assert (decision.action, decision.article_ids) == (Action.ANSWER, ["returns"])


def test_unsure_asks_once_then_hands_off() -> None:
    first = decide_turn(TurnContext("the thing with the stuff", UNSURE))
    assert (first.action, first.low_confidence) == (Action.CLARIFY, True)
    assert first.article_ids == ["sizes", "care", "warranty"]
    second = decide_turn(TurnContext("the thing", UNSURE, low_confidence_before=1))
    assert (second.action, second.reason) == (Action.HANDOFF, "low_confidence_twice")


def test_order_numbers_are_found() -> None:
    assert order_numbers("order #10023 and SO-88812, not 12") == ["10023", "SO-88812"]
    # Chinese runs straight into the number; a number inside a word is not one.
    assert order_numbers("订单20077到哪了？还有#10023") == ["20077", "10023"]
    assert order_numbers("x_99999 me@ex.com") == []


def test_a_shop_intent_answers_unless_an_article_is_confident_and_the_match_is_loose() -> None:
    assert _decide("do you gift wrap", UNSURE, shop_intent="gift-wrapping") == (Action.ANSWER, "shop_intent")
    assert _decide("hi, how do returns work", SURE, shop_intent="greeting") == (Action.ANSWER, "confident")
    certain = {"shop_intent": "greeting", "shop_intent_certain": True}
    assert _decide("hi", SURE, **certain) == (Action.ANSWER, "shop_intent")
    # Tools and handoffs still come first.
    assert _decide("talk to a human", UNSURE, **certain) == (Action.HANDOFF, "asked_for_a_person")
