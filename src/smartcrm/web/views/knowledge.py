"""The help center: the article list, the editor (with a preview and the version history), the
import of Markdown/HTML/FAQ files, and a ticket reply saved as a draft article."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartcrm.accounts.roles import Capability
from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.knowledge import selectors
from smartcrm.knowledge.imports import import_articles
from smartcrm.knowledge.models import Article, ArticleStatus
from smartcrm.knowledge.reading import read_file
from smartcrm.knowledge.rendering import render_markdown
from smartcrm.knowledge.services import ArticleInput, draft_from_ticket_reply, save_article
from smartcrm.web.access import capability_required, current_user
from smartcrm.web.forms import add_service_errors, cleaned
from smartcrm.web.knowledge_forms import ArticleFilterForm, ArticleForm, ArticleImportForm

MAX_UPLOAD_FILES = 200


@capability_required(Capability.EDIT_KNOWLEDGE)
def article_list(request: HttpRequest) -> HttpResponse:
    form = ArticleFilterForm(request.GET)
    filters = cleaned(form)
    context = {
        "form": form,
        "articles": selectors.articles(
            language=filters.get("language", ""),
            status=filters.get("status", ""),
            search=filters.get("q", ""),
        ),
        "import_form": ArticleImportForm(initial={"status": ArticleStatus.PUBLISHED}),
    }
    return render(request, "web/knowledge/list.html", context)


def _editor(
    request: HttpRequest, form: ArticleForm, article: Article | None = None, status: int = 200
) -> HttpResponse:
    body = form.data.get("body") if form.is_bound else (article.body if article else "")
    context = {
        "form": form,
        "article": article,
        # Markdown rendered with raw HTML escaped and script links dropped (knowledge.rendering).
        "preview": mark_safe(render_markdown(str(body or ""))),  # noqa: S308
        "versions": selectors.versions(article) if article else [],
        "translations": selectors.translations(article) if article else [],
    }
    return render(request, "web/knowledge/edit.html", context, status=status)


def _save(request: HttpRequest, form: ArticleForm, article: Article | None) -> HttpResponse:
    if not form.is_valid():
        return _editor(request, form, article, status=400)
    data = form.cleaned_data
    if article is not None and (data["key"], data["language"]) != (article.key, article.language):
        form.add_error("key", "The key and language of a saved article stay; write a new article instead.")
        return _editor(request, form, article, status=400)
    try:
        saved, changed = save_article(
            actor=current_user(request),
            data=ArticleInput(
                data["key"], data["language"], data["title"], data["body"], data["tags"], data["status"]
            ),
        )
    except ServiceValidationError as exc:
        add_service_errors(form, exc)
        return _editor(request, form, article, status=400)
    messages.success(
        request,
        _("Saved as version %(version)s.") % {"version": saved.version}
        if changed
        else _("No changes to save."),
    )
    return redirect("web:article_edit", article_id=saved.pk)


@capability_required(Capability.EDIT_KNOWLEDGE)
def article_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ArticleForm(request.POST)
        if (
            form.is_valid()
            and selectors.articles()
            .filter(key=form.cleaned_data["key"], language=form.cleaned_data["language"])
            .exists()
        ):
            form.add_error("key", "An article with this key and language exists: edit it instead.")
            return _editor(request, form, status=400)
        return _save(request, form, None)
    return _editor(request, ArticleForm(initial={"status": ArticleStatus.DRAFT, "language": "en"}))


@capability_required(Capability.EDIT_KNOWLEDGE)
def article_edit(request: HttpRequest, article_id: int) -> HttpResponse:
    article = selectors.article(article_id)
    if article is None:
        raise Http404("No such article")
    if request.method == "POST":
        return _save(request, ArticleForm(request.POST), article)
    initial = {
        "key": article.key,
        "language": article.language,
        "title": article.title,
        "body": article.body,
        "tags": ", ".join(article.tags),
        "status": article.status,
    }
    return _editor(request, ArticleForm(initial=initial), article)


@require_POST
@capability_required(Capability.EDIT_KNOWLEDGE)
def article_import(request: HttpRequest) -> HttpResponse:
    form = ArticleImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose one or more Markdown, HTML or CSV files."))
        return redirect("web:article_list")
    uploads = form.cleaned_data["uploads"]
    if len(uploads) > MAX_UPLOAD_FILES:
        messages.error(request, _("At most %(count)s files at a time.") % {"count": MAX_UPLOAD_FILES})
        return redirect("web:article_list")
    status = form.cleaned_data["status"]
    items = [
        item for upload in uploads for item in read_file(upload.name or "", upload.read(), status=status)
    ]
    report = import_articles(actor=current_user(request), items=items)
    summary = _("%(created)s created, %(updated)s updated, %(unchanged)s unchanged") % {
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
    }
    if report.errors:
        messages.warning(
            request, _("%(summary)s; %(failed)s refused.") % {"summary": summary, "failed": report.failed}
        )
        for error in report.errors[:20]:
            messages.error(request, f"{error.where} — {error.field}: {error.message}")
    else:
        messages.success(request, summary + ".")
    return redirect("web:article_list")


@require_POST
@capability_required(Capability.EDIT_KNOWLEDGE)
def draft_from_reply(request: HttpRequest, ticket_id: int, message_id: int) -> HttpResponse:
    try:
        article = draft_from_ticket_reply(actor=current_user(request), message_id=message_id)
    except NotFoundError as exc:
        raise Http404("No such message") from exc
    except ServiceValidationError as exc:
        messages.error(request, "; ".join(exc.errors.values()))
        return redirect(reverse("web:ticket_detail", kwargs={"ticket_id": ticket_id}))
    messages.success(request, _("Saved as a draft article: check it, then publish it."))
    return redirect("web:article_edit", article_id=article.pk)
