"""The help-center pages: who may use them, the editor with its preview, the upload import, and a
solved ticket's reply saved as a draft from the thread."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from smartcrm.accounts.roles import Role
from smartcrm.knowledge.models import Article
from smartcrm.knowledge.services import ArticleInput, save_article
from smartcrm.support.models import AuthorKind, TicketStatus
from tests.factories import TicketFactory, TicketMessageFactory
from tests.web.conftest import XSS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "allowed"), [(Role.SUPPORT, True), (Role.MARKETING, True), (Role.SALES, False)]
)
def test_who_may_edit_the_help_center(client_for: Any, role: Role, allowed: bool) -> None:
    response = client_for(role).get(reverse("web:article_list"))
    assert response.status_code == (200 if allowed else 403)


def test_write_then_edit_an_article_with_a_safe_preview(client_for: Any) -> None:
    client = client_for(Role.SUPPORT)
    form = {"key": "returns", "language": "en", "title": "Returns", "body": f"30 days. {XSS}", "tags": "a, b"}
    response = client.post(reverse("web:article_new"), {**form, "status": "draft"})
    article = Article.objects.get()
    edit_url = reverse("web:article_edit", args=[article.pk])
    assert response.status_code == 302 and response["Location"] == edit_url
    page = client.get(response["Location"]).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    client.post(reverse("web:article_edit", args=[article.pk]), {**form, "status": "published"})
    article.refresh_from_db()
    assert (article.version, article.status, article.tags) == (2, "published", ["a", "b"])
    page = client.get(reverse("web:article_edit", args=[article.pk])).content.decode()
    assert "v2" in page and "v1" in page
    duplicate = client.post(reverse("web:article_new"), {**form, "status": "draft"})
    assert duplicate.status_code == 400 and "exists" in duplicate.content.decode()
    bad = client.post(edit_url, {**form, "title": "", "status": "draft"})
    assert bad.status_code == 400


def test_upload_import_reports_what_it_refused(client_for: Any) -> None:
    files = [
        SimpleUploadedFile("shipping.md", b"# Shipping\n\nTwo days."),
        SimpleUploadedFile("notes.txt", b"not an article"),
    ]
    response = client_for(Role.SUPPORT).post(
        reverse("web:article_import"), {"uploads": files, "status": "published"}, follow=True
    )
    page = response.content.decode()
    assert "1 created" in page and "notes.txt" in page
    assert Article.objects.get().status == "published"


def test_save_a_solved_tickets_reply_as_a_draft(client_for: Any) -> None:
    ticket = TicketFactory(subject="Gift wrapping?", status=TicketStatus.SOLVED)
    reply = TicketMessageFactory(ticket=ticket, author_kind=AuthorKind.AGENT, body="Yes, for 3 USD.")
    client = client_for(Role.SUPPORT)
    thread = client.get(reverse("web:ticket_detail", args=[ticket.pk])).content.decode()
    url = reverse("web:draft_from_reply", args=[ticket.pk, reply.pk])
    assert url in thread
    response = client.post(url)
    article = Article.objects.get()
    assert response["Location"] == reverse("web:article_edit", args=[article.pk])
    assert article.status == "draft" and article.source_ticket == ticket
    assert client_for(Role.SALES).post(url).status_code == 403


def test_the_list_filters(client_for: Any) -> None:
    save_article(actor="test", data=ArticleInput("returns", "en", "Returns", "30 days"))
    save_article(actor="test", data=ArticleInput("returns", "zh-Hans", "退货", "三十天"))
    page = client_for(Role.SUPPORT).get(reverse("web:article_list"), {"language": "zh-Hans"}).content.decode()
    assert "退货" in page and ">Returns<" not in page
