"""Reads of the help center for the pages, the API and the assistant."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from smartcrm.knowledge.models import Article, ArticleStatus, ArticleVersion


def articles(*, language: str = "", status: str = "", search: str = "") -> QuerySet[Article]:
    queryset = Article.objects.all()
    if language:
        queryset = queryset.filter(language=language)
    if status:
        queryset = queryset.filter(status=status)
    if search:
        queryset = queryset.filter(Q(title__icontains=search) | Q(body__icontains=search) | Q(key=search))
    return queryset.order_by("key", "language")


def published_articles() -> QuerySet[Article]:
    return Article.objects.filter(status=ArticleStatus.PUBLISHED).order_by("key", "language")


def article(article_id: int) -> Article | None:
    return Article.objects.filter(pk=article_id).first()


def translations(item: Article) -> list[Article]:
    """The other languages of the same topic."""
    return list(Article.objects.filter(key=item.key).exclude(pk=item.pk).order_by("language"))


def versions(item: Article) -> list[ArticleVersion]:
    return list(item.versions.select_related("saved_by").order_by("-version"))
