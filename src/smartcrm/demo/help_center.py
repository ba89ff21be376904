"""The demo shop's help center (Markdown in ``demo/helpcenter/{en,zh-Hans}``, intents in
``demo/intents.json``) and a few chats
through the real assistant, so the help center, the conversations and the inbox show results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from smartcrm.assistant import services as assistant
from smartcrm.assistant.models import Conversation
from smartcrm.customers.models import Customer
from smartcrm.knowledge.imports import ImportReport, import_articles
from smartcrm.knowledge.indexing import sync_index
from smartcrm.knowledge.models import Article
from smartcrm.knowledge.reading import read_path
from smartcrm.knowledge.services import IntentInput, save_intent
from smartcrm.orders.models import Order

HELP_CENTER = Path(__file__).with_name("helpcenter")
INTENTS = Path(__file__).with_name("intents.json")


def load_help_center(out: Any = None) -> ImportReport | None:
    """Import the articles once and build the search index; None when the shop has articles."""
    if Article.objects.exists():
        return None
    report = import_articles(actor="demo", items=read_path(HELP_CENTER))
    if out is not None:
        out.write(f"Help center: {report.created} articles in English and Chinese; indexing them …\n")
    sync_index()
    for item in json.loads(INTENTS.read_text(encoding="utf-8")):
        save_intent(actor="demo", data=IntentInput(**item))
    return report


def demo_conversations() -> int:
    """A few customers' chats, each message answered by the assistant (once)."""
    if Conversation.objects.exists():
        return 0
    order = Order.objects.select_related("customer").order_by("-placed_at").first()
    chats: list[list[str]] = [
        ["hello", "how long does delivery usually take?", "and is it free?", "thanks!"],
        ["我想退货，收到的衣服尺码不合适", "需要自己付运费吗？"],
        ["can I pay with paypal"],
        ["do you have a shop in berlin?", "a real store, where I can try things on"],
        ["is there a store in Berlin I can visit?"],
        ["你们在柏林有实体店吗？"],
        ["do you sell the red kettle in size XL?", "nvm, can I talk to a human"],
    ]
    customer: Customer | None = order.customer if order else None
    if order is not None and customer is not None and customer.email:
        chats.append(["where is my order?", f"{customer.email} #{order.number}"])
    for messages in chats:
        conversation = assistant.start_conversation()
        for text in messages:
            assistant.customer_says(conversation=conversation, text=text)
    return len(chats)
