"""A small shop with one row behind every id a URL can name, for the role-matrix test.

``url_kwargs`` builds a route's URL arguments from it. A few rows are costly to build by hand
(an outbound or inbound webhook delivery, a duplicate pair, a merge, a workflow run); their
routes get an id that does not exist, listed in ``MISSING``: a role that may open them gets 404,
one that may not still gets 403 (the capability is checked before the lookup).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from smartcrm.accounts.services import create_api_token
from smartcrm.activities.models import Task
from smartcrm.assistant.models import Conversation, ConversationMessage, ReplySuggestion, Speaker
from smartcrm.attachments import owners
from smartcrm.attachments.services import add_attachment
from smartcrm.automation import services as automation
from smartcrm.bulk.models import BulkRun
from smartcrm.campaigns.models import Campaign
from smartcrm.collaboration.models import Notification, NotificationKind, SavedView, TargetKind
from smartcrm.customers.models import Customer
from smartcrm.feedback.models import Review
from smartcrm.imports.models import ImportRun
from smartcrm.insights.models import Alert
from smartcrm.intelligence.models import RefreshRun
from smartcrm.knowledge.models import Article, Intent
from smartcrm.support.models import BusinessCalendar, SLAPolicy, TicketMessage
from smartcrm.teams import services as teams
from smartcrm.teams.models import RecordKind
from tests import factories
from tests.attachments.files import png
from tests.web.scores import make_version

EMAIL = "ada.matrix@example.com"
PHONE = "+15555550199"
ADDRESS = "1 Engine Way"
NO_SUCH_ID = 987_654
# (path fragment, argument): routes whose row the shop does not build (see the module docstring).
MISSING = {
    ("deliveries/", "delivery_id"),
    ("inbound/", "delivery_id"),
    ("duplicates/", "pair_id"),
    ("duplicates/", "merge_id"),
    ("merges/", "merge_id"),
    ("runs/", "run_id"),  # a workflow run or a de-duplication run; import runs are built
    ("texts/", "source_id"),
    ("endpoints/", "endpoint_id"),  # a text's analysis
    ("bulk-actions/", "bulk_id"),  # a bulk action is read by its author only
    ("bulk/", "run_id"),
}


@dataclass
class MatrixShop:
    ids: dict[str, int]
    customer: Customer


def build() -> MatrixShop:
    now = timezone.now()
    customer = factories.CustomerFactory(
        first_name="Ada", last_name="Matrix", name="Ada Matrix", email=EMAIL, phone=PHONE,
        search_text="ada matrix", street_address=ADDRESS, orders_count=1, total_spent=Decimal("42.00"),
        first_order_at=now - timedelta(days=3), last_order_at=now - timedelta(days=3),
    )  # fmt: skip
    product = factories.ProductFactory(name="Brass Gear")
    order = factories.OrderFactory(
        customer=customer, placed_at=now - timedelta(days=3), total=Decimal("42.00")
    )
    factories.OrderLineFactory(order=order, product=product, quantity=2, line_total=Decimal("42.00"))
    ticket = factories.TicketFactory(customer=customer, subject="Gear arrived bent", order=order)
    message: TicketMessage = factories.TicketMessageFactory(ticket=ticket, body="My gear is bent.")
    suggestion = ReplySuggestion.objects.create(
        ticket=ticket, for_message=message, body="Sorry to hear that."
    )
    review = Review.objects.create(
        customer=customer, product=product, rating=4, title="Solid", created_at=now
    )
    stage = factories.StageFactory(name="Qualified", position=0, probability=10)
    deal = factories.DealFactory(title="Gears for the mill", stage=stage, customer=customer)
    task = Task.objects.create(customer=customer, title="Call back")
    alert = Alert.objects.create(
        key="metric:revenue:2025-06-03", kind="metric", metric="revenue", first_day=date(2025, 6, 3),
        last_day=date(2025, 6, 5), severity="high", score=8.2, explanation="Revenue was 61% below.",
    )  # fmt: skip
    version = make_version("churn", 1)
    make_version("churn", 2, active=True)
    conversation = Conversation.objects.create()
    ConversationMessage.objects.create(
        conversation=conversation, speaker=Speaker.CUSTOMER, body="Where is it?"
    )
    article = Article.objects.create(key="returns", title="Returns", body="Send it back within 30 days.")
    intent = Intent.objects.create(name="greeting", response="Hello!", phrases=["hi"])
    run = ImportRun.objects.create(kind="customers", file_name="customers.csv")
    workflow = automation.create_workflow(
        actor="test", name="Thank buyers", trigger={"type": "manual"},
        steps=[{"action": "send_email", "subject": {"en": "Thanks"}, "body": {"en": "Thank you."}}],
    )  # fmt: skip
    campaign = Campaign.objects.create(key="spring", name="Spring sale")
    refresh_run = RefreshRun.objects.create(as_of=date(2025, 6, 3), chunk_size=1000)
    attachment = add_attachment(actor="test", owner=owners.of_message(message), name="bent.png", data=png())
    owner = factories.UserFactory(username="token-owner")
    team = teams.create_team(actor="test", name="Matrix support", lead=owner)
    rule = teams.create_rule(actor="test", name="all tickets", record_kind=RecordKind.TICKET, team=team)
    view = SavedView.objects.create(owner=owner, list_kind="customers", name="All", filters={})
    bulk = BulkRun.objects.create(action="tag", value="vip", customer_ids=[customer.pk])
    notification = Notification.objects.create(
        recipient=owner, kind=NotificationKind.MENTION, target_kind=TargetKind.CUSTOMER,
        target_id=customer.pk, target_label=customer.name,
    )  # fmt: skip
    token, _raw = create_api_token(user=owner, name="matrix")
    policy = SLAPolicy.objects.create(
        name="Default", first_response_hours=Decimal(24), resolution_hours=Decimal(72)
    )
    office = [[[540, 1020]]] * 5 + [[], []]  # 9:00-17:00 on weekdays
    calendar = BusinessCalendar.objects.create(name="Office", time_zone="Europe/Berlin", weekly_hours=office)
    ids = {
        "customer_id": customer.pk, "product_id": product.pk, "order_id": order.pk, "ticket_id": ticket.pk,
        "message_id": message.pk, "suggestion_id": suggestion.pk, "deal_id": deal.pk, "task_id": task.pk,
        "alert_id": alert.pk, "version_id": version.pk, "conversation_id": conversation.pk,
        "article_id": article.pk, "intent_id": intent.pk, "run_id": run.pk, "workflow_id": workflow.pk,
        "campaign_id": campaign.pk, "position": 0, "review_id": review.pk,
        "token_id": token.pk, "refresh_id": refresh_run.pk, "team_id": team.pk, "user_id": owner.pk,
        "rule_id": rule.pk, "notification_id": notification.pk, "target_id": customer.pk, "view_id": view.pk,
        "bulk_id": bulk.pk, "attachment_id": attachment.pk, "owner_id": message.pk,
        "policy_id": policy.pk, "calendar_id": calendar.pk,
    }  # fmt: skip
    return MatrixShop(ids, customer)


# Arguments that are not row ids, by argument and the path they appear in ("" for any path).
WORDS: dict[tuple[str, str], str] = {
    ("kind", "exports"): "customers",
    ("kind", "models"): "churn",
    ("kind", "texts"): "ticket_message",
    ("action", ""): "acknowledge",
    ("uidb64", ""): "MQ",
    ("token", ""): "set-password",
    ("fix", ""): "trim_names",
    ("fmt", ""): "csv",
    ("channel", ""): "email",
    ("kind", "follow"): "customer",
    ("kind", "records/"): "customer",
    ("owner_kind", "attachments"): "ticket_message",
    ("board", "dashboards"): "manager",
}


def url_kwargs(shop: MatrixShop, path: str, names: list[str]) -> tuple[dict[str, Any], bool]:
    """The route's URL arguments, and whether one of them names a row the shop did not build."""
    kwargs: dict[str, Any] = {}
    missing = False
    for name in names:
        word = next((v for (arg, where), v in WORDS.items() if arg == name and where in path), None)
        if word is not None:
            kwargs[name] = word
        elif any(name == arg and fragment in path for fragment, arg in MISSING):
            kwargs[name], missing = NO_SUCH_ID, True
        else:
            kwargs[name] = shop.ids[name]
    return kwargs, missing
