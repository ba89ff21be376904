"""Phrases that decide a turn before any retrieval: asking for a person, asking about an order,
asking to return something, asking for a ticket. English and Chinese, written to be read."""

from __future__ import annotations

import re

HUMAN = re.compile(
    r"\b(human|real person|a person|live (agent|chat|person)|(an? |your )?agent|representative|"
    r"operator|somebody real|someone real|"
    r"talk to (someone|somebody|staff)|speak to (someone|somebody|staff))\b"
    r"|人工|真人|转人工|客服人员|人工客服|找客服|活人",
    re.IGNORECASE,
)
ORDER_STATUS = re.compile(
    r"\b(where('?s| is) (my|the) (order|parcel|package)|track(ing)?( my)?( order| parcel| package)?|"
    r"order status|status of (my )?order|has (my|the) (order|parcel|package) (shipped|been sent)|"
    r"when will (it|my order) arrive)\b"
    r"|订单状态|我的订单|物流|快递到哪|到哪了|发货了吗|什么时候到|查(一下)?订单",
    re.IGNORECASE,
)
START_RETURN = re.compile(
    r"\b(i want to return|i'?d like to return|return (this|it|my|the)|send (it|this) back|start a return|"
    r"request a return|return request)\b"
    r"|我要退货|申请退货|想退货|退回|退掉",
    re.IGNORECASE,
)
OPEN_TICKET = re.compile(
    r"\b(open a ticket|create a ticket|file a complaint|raise a ticket|log a ticket)\b"
    r"|提交工单|开个工单|投诉单",
    re.IGNORECASE,
)
# Bounded by anything but a Latin letter, digit, "_" or "-": Chinese runs straight into numbers
# ("订单20077到哪了"), and Python's \w would count the Chinese characters as part of the word.
ORDER_NUMBER = re.compile(r"(?<![A-Za-z0-9_-])#?([A-Z]{0,4}-?\d{3,12})(?![A-Za-z0-9_-])", re.IGNORECASE)


def asks_for_a_person(text: str) -> bool:
    return bool(HUMAN.search(text))


def tool_asked(text: str) -> str | None:
    """The tool the words ask for, most specific first (a return names its order too)."""
    if START_RETURN.search(text):
        return "start_return"
    if ORDER_STATUS.search(text):
        return "order_status"
    if OPEN_TICKET.search(text):
        return "open_ticket"
    return None


def order_numbers(text: str) -> list[str]:
    return [match.group(1).upper() for match in ORDER_NUMBER.finditer(text)]
