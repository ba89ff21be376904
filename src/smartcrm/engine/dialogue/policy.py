"""One turn of the assistant, decided from plain inputs so it can be read and tested alone.

Order of the checks (the first that applies wins):

1. the shop sends everything to a person, or the conversation is already with one → hand off;
2. the customer asks for a person ("human", "人工") → hand off;
3. the message is angry or urgent (the ticket urgency model's level) → hand off;
4. the words ask for a tool (order status, start a return, open a ticket) → run it; tools that
   act on orders need the customer identified, else the reply asks for email + order number;
5. a shop-defined intent matches, and either retrieval is not confident or the match is
   certain (a near copy of a training phrase) → answer with the shop's response for it;
6. retrieval is confident → answer from the best article, cited;
7. not confident, first time → ask one clarifying question, offering the closest articles;
8. not confident twice → hand off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .cues import asks_for_a_person, tool_asked

ORDER_TOOLS = frozenset({"order_status", "start_return"})


class Action(StrEnum):
    ANSWER = "answer"
    CLARIFY = "clarify"
    TOOL = "tool"
    IDENTIFY = "identify"  # a tool needs to know who the customer is first
    HANDOFF = "handoff"


@dataclass(frozen=True)
class Retrieved:
    """The help center's best passages for the message, and whether they answer it."""

    answerable: bool
    confidence: float
    article_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TurnContext:
    text: str
    retrieved: Retrieved
    urgency_level: str = "normal"  # urgent/high/normal/low from the urgency model
    identified: bool = False
    low_confidence_before: int = 0
    with_a_person: bool = False
    always_hand_off: bool = False
    shop_intent: str | None = None  # the matched shop-defined intent, if any
    shop_intent_certain: bool = False


@dataclass(frozen=True)
class TurnDecision:
    action: Action
    reason: str
    tool: str | None = None
    article_ids: list[str] = field(default_factory=list)

    @property
    def low_confidence(self) -> bool:
        return self.action is Action.CLARIFY or self.reason == "low_confidence_twice"


def decide_turn(context: TurnContext) -> TurnDecision:
    if context.with_a_person:
        return TurnDecision(Action.HANDOFF, "with_a_person")
    if context.always_hand_off:
        return TurnDecision(Action.HANDOFF, "shop_setting")
    if asks_for_a_person(context.text):
        return TurnDecision(Action.HANDOFF, "asked_for_a_person")
    if context.urgency_level == "urgent":
        return TurnDecision(Action.HANDOFF, "angry_or_urgent")
    tool = tool_asked(context.text)
    if tool is not None:
        if tool in ORDER_TOOLS and not context.identified:
            return TurnDecision(Action.IDENTIFY, "needs_identity", tool=tool)
        return TurnDecision(Action.TOOL, "asked_for_a_tool", tool=tool)
    retrieved = context.retrieved
    if context.shop_intent is not None and (context.shop_intent_certain or not retrieved.answerable):
        return TurnDecision(Action.ANSWER, "shop_intent")
    if retrieved.answerable and retrieved.article_ids:
        return TurnDecision(Action.ANSWER, "confident", article_ids=retrieved.article_ids[:1])
    if context.low_confidence_before >= 1:
        return TurnDecision(Action.HANDOFF, "low_confidence_twice")
    return TurnDecision(Action.CLARIFY, "low_confidence", article_ids=retrieved.article_ids[:3])
