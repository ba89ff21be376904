"""Read-only in the admin: articles are written in the help-center editor (``/knowledge/``), where
every save is a version and an audit event."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from smartcrm.core.admin import AuditedModelAdmin
from smartcrm.knowledge.models import Article, ArticleVersion


class ArticleVersionInline(admin.TabularInline):
    model = ArticleVersion
    extra = 0
    can_delete = False
    fields = ("version", "title", "status", "saved_at", "saved_by", "note")
    readonly_fields = fields


@admin.register(Article)
class ArticleAdmin(AuditedModelAdmin):
    list_display = ("key", "language", "title", "status", "version", "updated_at")
    list_filter = ("language", "status", "source")
    search_fields = ("key", "title")
    readonly_fields = ("version", "created_at", "updated_at", "updated_by", "source", "source_ticket")
    inlines = [ArticleVersionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
