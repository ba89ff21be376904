"""Saving articles: validation per field, a version per change and none for a no-op, the audit
trail, and a solved ticket's reply saved as a draft."""

from __future__ import annotations

import pytest

from smartcrm.core.errors import ServiceValidationError
from smartcrm.core.models import AuditEvent
from smartcrm.knowledge.models import Article, ArticleSource, ArticleStatus
from smartcrm.knowledge.services import ArticleInput, draft_from_ticket_reply, save_article
from smartcrm.support.models import AuthorKind, TicketStatus
from tests.factories import TicketFactory, TicketMessageFactory

pytestmark = pytest.mark.django_db

RETURNS = ArticleInput(
    "returns", "en", "Returns and refunds", "You can return items within **30 days**.", ["Returns"]
)


def test_each_change_is_a_version_and_a_no_op_is_not() -> None:
    article, changed = save_article(actor="test", data=RETURNS)
    assert changed and article.version == 1 and article.tags == ["returns"]
    again, changed = save_article(actor="test", data=RETURNS)
    assert not changed and again.version == 1
    edited = ArticleInput(**{**RETURNS.__dict__, "body": "Return within 45 days.", "status": "published"})
    article, changed = save_article(actor="test", data=edited)
    assert changed and article.version == 2 and article.status == ArticleStatus.PUBLISHED
    assert [v.version for v in article.versions.all()] == [2, 1]
    assert article.versions.get(version=1).body.startswith("You can return")
    events = AuditEvent.objects.filter(object_type="knowledge.article")
    actions = list(events.order_by("pk").values_list("action", flat=True))
    assert actions == ["create", "update"]


def test_translations_share_a_key() -> None:
    save_article(actor="test", data=RETURNS)
    zh = ArticleInput("returns", "zh-Hans", "退货和退款", "收货后 30 天内可以退货。")
    save_article(actor="test", data=zh)
    languages = Article.objects.filter(key="returns").values_list("language", flat=True)
    assert sorted(languages) == ["en", "zh-Hans"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"key": "Returns Policy!"}, "key"),
        ({"language": "fr"}, "language"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"body": ""}, "body"),
        ({"status": "live"}, "status"),
        ({"tags": [f"t{i}" for i in range(21)]}, "tags"),
    ],
)
def test_refused_fields_are_named(change: dict[str, object], field: str) -> None:
    with pytest.raises(ServiceValidationError) as caught:
        save_article(actor="test", data=ArticleInput(**{**RETURNS.__dict__, **change}))
    assert field in caught.value.errors
    assert not Article.objects.exists()


def test_a_solved_tickets_reply_becomes_a_draft() -> None:
    ticket = TicketFactory(subject="Can I change my delivery address?", status=TicketStatus.SOLVED)
    reply = TicketMessageFactory(ticket=ticket, author_kind=AuthorKind.AGENT, body="Yes, until it ships.")
    article = draft_from_ticket_reply(actor="test", message_id=reply.pk)
    assert (article.status, article.source, article.source_ticket) == (
        ArticleStatus.DRAFT,
        ArticleSource.TICKET,
        ticket,
    )
    assert article.key == "can-i-change-my-delivery-address" and article.body == "Yes, until it ships.\n"
    second = draft_from_ticket_reply(actor="test", message_id=reply.pk)
    assert second.key == "can-i-change-my-delivery-address-2"


@pytest.mark.parametrize(
    ("status", "kind", "internal"),
    [
        (TicketStatus.OPEN, AuthorKind.AGENT, False),
        (TicketStatus.SOLVED, AuthorKind.CUSTOMER, False),
        (TicketStatus.SOLVED, AuthorKind.AGENT, True),
    ],
)
def test_only_a_solved_tickets_agent_reply(status: str, kind: str, internal: bool) -> None:
    ticket = TicketFactory(status=status)
    message = TicketMessageFactory(ticket=ticket, author_kind=kind, is_internal=internal)
    with pytest.raises(ServiceValidationError):
        draft_from_ticket_reply(actor="test", message_id=message.pk)
    assert not Article.objects.exists()
