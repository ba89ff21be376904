"""A customer with a distinctive value in every place the shop keeps something about them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from smartcrm.activities.models import ActivityKind
from smartcrm.activities.services import create_task, log_activity
from smartcrm.assistant.models import Conversation, ConversationMessage, Speaker
from smartcrm.campaigns.models import Campaign, CampaignSend, Suppression, SuppressionReason
from smartcrm.core.pii import hash_for_lookup
from smartcrm.customers.models import ConsentSource, Customer
from smartcrm.customers.services import add_note, create_customer, set_consent, set_tags, update_customer
from smartcrm.feedback.models import Review, SurveyResponse
from smartcrm.integrations.models import InboundDelivery, OutboundEvent, Platform, ShopConnection
from smartcrm.orders.models import Order, Refund
from smartcrm.pipeline.models import Lead
from smartcrm.textanalysis.models import SourceKind, TextAnalysis
from tests import factories

EMAIL = "zebulonia.quixotevna@unique-mail.example"
PHONE = "+12025550187"
TEXTS = {
    "first_name": "Zebulonia",
    "last_name": "Quixotevna",
    "company": "Quuxcorpzeta",
    "street": "742 Quixotestrasse",
    "city": "Xylopolisberg",
    "region": "Quixregionia",
    "postal": "QX97Z1",
    "external_id": "EXT-ZEBU-4471",
    "tag": "zebutag-vip",
    "note": "Zebunote: wedding gift for her sister",
    "ticket": "Zebuticket parcel lost",
    "message": "Zebumessage: my parcel vanished",
    "review": "Zebureview: lovely kettle",
    "survey": "Zebusurvey: quick delivery",
    "chat": "Zebuchat: where is my order",
    "chat_ref": "tg-zebu-99881",
    "task": "Zebutask: call back",
    "activity": "Zebuactivity: visited the shop",
    "refund": "Zeburefund: changed her mind",
    "ship_city": "Zebushipcity",
    "send_error": "550 zebusenderror mailbox full",
    "analysis": "Zebuanalysis redacted text",
    "payload": "Zebupayload webhook body",
    "lead_contact": "Zebulead Contactperson",
}


@dataclass
class Distinctive:
    customer: Customer
    order: Order
    values: list[str]  # what must not be found anywhere after the erasure


@pytest.fixture
def distinctive(admin_user: Any) -> Distinctive:
    t = TEXTS
    customer = create_customer(
        actor=admin_user,
        values={
            "first_name": t["first_name"],
            "last_name": t["last_name"],
            "company_name": t["company"],
            "email": EMAIL,
            "phone": PHONE,
            "street_address": t["street"],
            "city": t["city"],
            "region": t["region"],
            "postal_code": t["postal"],
            "country": "US",
        },
        external_id=("shopify", t["external_id"]),
    )
    update_customer(actor=admin_user, customer=customer, values={"city": t["city"] + "x"})
    update_customer(actor=admin_user, customer=customer, values={"city": t["city"]})
    set_tags(actor=admin_user, customer=customer, names=[t["tag"]])
    set_consent(
        actor=admin_user, customer=customer, channel="email", status="granted", via=ConsentSource.FORM
    )
    add_note(actor=admin_user, customer=customer, body=t["note"])
    now = timezone.now()
    order = factories.OrderFactory(customer=customer, ship_city=t["ship_city"], external_id="ORD-ZEBU-1")
    Refund.objects.create(order=order, amount=Decimal("5"), reason=t["refund"], created_at=now)
    ticket = factories.TicketFactory(customer=customer, subject=t["ticket"])
    message = factories.TicketMessageFactory(ticket=ticket, body=t["message"])
    product = factories.ProductFactory()
    Review.objects.create(customer=customer, product=product, rating=5, body=t["review"], created_at=now)
    SurveyResponse.objects.create(
        customer=customer, survey="nps", score=9, comment=t["survey"], created_at=now
    )
    chat = Conversation.objects.create(customer=customer, external_ref=t["chat_ref"])
    ConversationMessage.objects.create(conversation=chat, speaker=Speaker.CUSTOMER, body=t["chat"])
    create_task(actor=admin_user, title=t["task"], customer=customer)
    log_activity(customer=customer, kind=ActivityKind.NOTE, summary=t["activity"])
    campaign = Campaign.objects.create(key="zebu-campaign", name="Spring")
    CampaignSend.objects.create(campaign=campaign, customer=customer, error=t["send_error"])
    Suppression.objects.create(email_hash=hash_for_lookup(EMAIL), reason=SuppressionReason.BOUNCED)
    TextAnalysis.objects.create(
        source_kind=SourceKind.TICKET_MESSAGE,
        source_id=message.pk,
        customer=customer,
        text_created_at=now,
        lang="en",
        sentiment="neg",
        sentiment_score=-0.5,
        redacted=t["analysis"],
        model_version="test",
        analysed_at=now,
    )
    Lead.objects.create(
        company_name="B2B Co",
        contact_name=t["lead_contact"],
        email=EMAIL,
        email_hash=hash_for_lookup(EMAIL),
        customer=customer,
        created_at=now,
    )
    shop = ShopConnection.objects.create(
        platform=Platform.SHOPIFY, shop_domain="zebu.myshopify.com", secret="s"
    )
    InboundDelivery.objects.create(
        connection=shop,
        delivery_id="d-1",
        topic="customers/update",
        external_id=t["external_id"],
        payload=t["payload"],
    )
    OutboundEvent.objects.create(
        uid="evt_zebu",
        event_type="customer.updated",
        data={"id": customer.pk, "city": t["city"], "external_ids": [f"shopify:{t['external_id']}"]},
        pii=json.dumps({"email": EMAIL}),
    )
    values = [*t.values(), EMAIL, PHONE, hash_for_lookup(EMAIL), hash_for_lookup(PHONE)]
    return Distinctive(customer=customer, order=order, values=values)
