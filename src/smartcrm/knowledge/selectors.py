"""Reads of the help center for the pages, the API and the assistant."""

from __future__ import annotations

from django.db.models import Count, Max, Q, QuerySet

from smartcrm.knowledge.models import Article, ArticleStatus, ArticleVersion, Intent


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


def intents() -> QuerySet[Intent]:
    return Intent.objects.order_by("name", "language")


def intent(intent_id: int) -> Intent | None:
    return Intent.objects.filter(pk=intent_id).first()


def active_intent_phrases() -> list[tuple[int, str, str]]:
    """(intent id, language, phrase) for every phrase of every active intent."""
    rows = Intent.objects.filter(active=True).values_list("pk", "language", "phrases")
    return [(pk, language, str(p)) for pk, language, phrases in rows for p in phrases]


def intents_fingerprint() -> tuple[int, str]:
    """Changes whenever an intent is added, changed or deleted (count and latest change)."""
    row = Intent.objects.aggregate(n=Count("pk"), latest=Max("updated_at"))
    return row["n"], str(row["latest"])
