"""The shop's help center: articles in English and Chinese, each change kept as a version.

One article is one language; the translations of a topic share a ``key`` (``returns`` in en and
zh-Hans). The assistant answers only from published articles.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    CHINESE = "zh-Hans", _("简体中文")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class ArticleSource(models.TextChoices):
    EDITOR = "editor", _("Written in the editor")
    IMPORT = "import", _("Imported")
    TICKET = "ticket", _("Saved from a ticket reply")
    CHATS = "chats", _("Drafted from unanswered chat questions")
    API = "api", _("API")


class Article(models.Model):
    key = models.SlugField(max_length=100, help_text="Shared by the translations of one topic")
    language = models.CharField(max_length=10, choices=Language.choices, default=Language.ENGLISH)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown")
    tags = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    source = models.CharField(max_length=10, choices=ArticleSource.choices, default=ArticleSource.EDITOR)
    source_ticket = models.ForeignKey(
        "support.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "language"], name="article_key_language")]
        indexes = [models.Index(fields=["status", "language"], name="article_status_language")]
        ordering = ["key", "language"]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class ArticleVersion(models.Model):
    """The article as it was after one save: title, body, tags and status, and who saved it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    tags = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=ArticleStatus.choices)
    saved_at = models.DateTimeField(auto_now_add=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "version"], name="article_version_unique")]
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.version}"


class Intent(models.Model):
    """A shop-defined intent: training phrases a customer might write, and the shop's answer.

    The assistant answers a message with the response of the intent whose phrase is nearest
    (see :mod:`smartcrm.engine.dialogue.intents`), before searching the articles.
    """

    name = models.SlugField(max_length=30)
    language = models.CharField(max_length=10, choices=Language.choices, default=Language.ENGLISH)
    phrases = models.JSONField(default=list, help_text="Training phrases, as customers write them")
    response = models.TextField()
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "language"], name="intent_name_language")]
        ordering = ["name", "language"]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"
