"""Writes of the help center: saving an article (each change a new version), and drafting one
from an agent's reply on a resolved ticket or from questions the assistant could not answer."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.engine.nlp.pii import redact
from smartcrm.knowledge.models import Article, ArticleSource, ArticleStatus, ArticleVersion, Intent, Language
from smartcrm.support.models import AuthorKind, Ticket, TicketMessage, TicketStatus

MAX_TITLE = 200
MAX_BODY = 100_000
MAX_TAGS = 20
KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class ArticleInput:
    """One article as an editor, an import or the API gives it (``key`` + ``language`` name it)."""

    key: str
    language: str
    title: str
    body: str
    tags: list[str] = field(default_factory=list)
    status: str = ArticleStatus.DRAFT


def clean_tags(tags: list[str] | str) -> list[str]:
    """Lower-case, trimmed, de-duplicated tags from a list or a comma-separated string."""
    items = tags.split(",") if isinstance(tags, str) else tags
    seen: dict[str, None] = {}
    for tag in items:
        cleaned = " ".join(str(tag).split()).lower()[:40]
        if cleaned:
            seen.setdefault(cleaned)
    return list(seen)


def validate(data: ArticleInput) -> dict[str, str]:
    """Field errors of an article (empty when it can be saved)."""
    errors: dict[str, str] = {}
    if not KEY_PATTERN.fullmatch(data.key) or len(data.key) > 100:
        errors["key"] = _("Use lower-case letters, digits and hyphens (at most 100), e.g. returns-policy.")
    if data.language not in Language.values:
        errors["language"] = _("Choose one of %(choices)s.") % {"choices": ", ".join(Language.values)}
    if not data.title.strip():
        errors["title"] = _("An article needs a title.")
    elif len(data.title.strip()) > MAX_TITLE:
        errors["title"] = _("At most %(n)s characters.") % {"n": MAX_TITLE}
    if not data.body.strip():
        errors["body"] = _("An article needs a body.")
    elif len(data.body) > MAX_BODY:
        errors["body"] = _("At most %(n)s characters.") % {"n": f"{MAX_BODY:,}"}
    if len(data.tags) > MAX_TAGS:
        errors["tags"] = _("At most %(n)s tags.") % {"n": MAX_TAGS}
    if data.status not in ArticleStatus.values:
        errors["status"] = _("Choose one of %(choices)s.") % {"choices": ", ".join(ArticleStatus.values)}
    return errors


def key_from_title(title: str) -> str:
    """A key for a new topic: the title's slug (Latin letters), else a short hash of it."""
    slug = slugify(title)[:80].strip("-")
    if slug:
        return slug
    return "article-" + hashlib.sha256(title.encode()).hexdigest()[:10]


def _free_key(title: str, language: str) -> str:
    """A key for a new article from its title, numbered if the language already has it."""
    base = key_from_title(title)
    key, n = base, 1
    while Article.objects.filter(key=key, language=language).exists():
        n += 1
        key = f"{base}-{n}"
    return key


@transaction.atomic
def save_article(
    *, actor: Actor, data: ArticleInput, source: str = ArticleSource.EDITOR, note: str = ""
) -> tuple[Article, bool]:
    """Create the article ``(key, language)`` or change it; returns it and whether it changed.

    A save that changes nothing writes no version. Every change is a new version (title, body,
    tags and status as saved, and who saved it), audited, and re-indexed after the commit.
    """
    data = ArticleInput(
        key=data.key.strip().lower(),
        language=data.language.strip(),
        title=" ".join(data.title.split()),
        body=data.body.replace("\r\n", "\n").strip() + "\n",
        tags=clean_tags(data.tags),
        status=data.status,
    )
    errors = validate(data)
    if errors:
        raise ServiceValidationError(errors)
    user = actor if not isinstance(actor, str) and actor is not None else None
    article = Article.objects.select_for_update().filter(key=data.key, language=data.language).first()
    created = article is None
    if article is None:
        article = Article(key=data.key, language=data.language, source=source, version=0)
    elif (article.title, article.body, article.tags, article.status) == (
        data.title,
        data.body,
        data.tags,
        data.status,
    ):
        return article, False
    before = {"title": article.title, "status": article.status, "version": article.version}
    article.title, article.body, article.tags, article.status = data.title, data.body, data.tags, data.status
    article.version += 1
    article.updated_by = user
    article.save()
    ArticleVersion.objects.create(
        article=article,
        version=article.version,
        title=article.title,
        body=article.body,
        tags=article.tags,
        status=article.status,
        saved_by=user,
        note=note[:200],
    )
    changes = {"key": article.key, "language": article.language, "version": article.version}
    if not created:
        changes["before"] = before
    audit.record(actor, AuditAction.CREATE if created else AuditAction.UPDATE, article, changes=changes)
    return article, True


@transaction.atomic
def draft_from_ticket_reply(*, actor: Actor, message_id: int) -> Article:
    """Save an agent's reply on a resolved ticket as a draft article, titled by the ticket."""
    message = TicketMessage.objects.select_related("ticket").filter(pk=message_id).first()
    if message is None:
        raise NotFoundError(f"ticket message {message_id}")
    ticket: Ticket = message.ticket
    if message.author_kind != AuthorKind.AGENT or message.is_internal:
        raise ServiceValidationError(
            {"message_id": _("Only an agent's reply to the customer can become an article.")}
        )
    if ticket.status not in (TicketStatus.SOLVED, TicketStatus.CLOSED):
        raise ServiceValidationError(
            {"message_id": _("Save a reply as an article once its ticket is solved.")}
        )
    language = Language.CHINESE if ticket.language.lower().startswith("zh") else Language.ENGLISH
    data = ArticleInput(
        key=_free_key(ticket.subject, language), language=language,
        title=ticket.subject or "Untitled answer", body=message.body,
    )  # fmt: skip
    article, _changed = save_article(
        actor=actor, data=data, source=ArticleSource.TICKET, note=f"from ticket {ticket.pk}"
    )
    Article.objects.filter(pk=article.pk).update(source_ticket=ticket)
    article.source_ticket = ticket
    return article


MAX_DRAFT_QUESTIONS = 20


def draft_from_questions(*, actor: Actor, questions: list[str], language: str) -> Article:
    """A draft article for questions the assistant could not answer: titled by the first, listing
    them (contact details and card numbers redacted) for the writer to answer."""
    asked = [" ".join(redact(q).split()) for q in questions if q.strip()][:MAX_DRAFT_QUESTIONS]
    if not asked:
        raise ServiceValidationError({"questions": _("Pick at least one question.")})
    language = Language.CHINESE if language.lower().startswith("zh") else Language.ENGLISH
    title = asked[0][:200]
    intro = (
        "请在此写下答案，然后发布。\n\n顾客的提问："
        if language == Language.CHINESE
        else ("Write the answer here, then publish.\n\nWhat customers asked:")
    )
    body = intro + "\n\n" + "\n".join(f"- {q}" for q in asked)
    data = ArticleInput(key=_free_key(title, language), language=language, title=title, body=body)
    article, _changed = save_article(
        actor=actor, data=data, source=ArticleSource.CHATS, note="from unanswered chats"
    )
    return article


MAX_PHRASES = 200
MAX_PHRASE = 300
MAX_RESPONSE = 5_000
INTENT_NAME = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


@dataclass(frozen=True)
class IntentInput:
    name: str
    language: str
    phrases: list[str]
    response: str
    active: bool = True


def _intent_errors(data: IntentInput) -> dict[str, str]:
    errors = {}
    if not INTENT_NAME.match(data.name) or len(data.name) > 30:
        errors["name"] = _("Use 1–30 lower-case letters, digits and dashes, e.g. gift-wrapping.")
    if data.language not in Language.values:
        errors["language"] = _("Must be one of: %(choices)s.") % {"choices": ", ".join(Language.values)}
    if not data.phrases:
        errors["phrases"] = _("Give at least one training phrase (several work better).")
    elif len(data.phrases) > MAX_PHRASES or any(len(p) > MAX_PHRASE for p in data.phrases):
        errors["phrases"] = _("At most %(n)s phrases of %(length)s characters each.") % {
            "n": MAX_PHRASES,
            "length": MAX_PHRASE,
        }
    if not data.response.strip():
        errors["response"] = _("Write the answer the assistant gives.")
    elif len(data.response) > MAX_RESPONSE:
        errors["response"] = _("At most %(n)s characters.") % {"n": f"{MAX_RESPONSE:,}"}
    return errors


@transaction.atomic
def save_intent(*, actor: Actor, data: IntentInput, intent_id: int | None = None) -> Intent:
    """Create a shop-defined intent or change one (the assistant uses it at the next message)."""
    phrases = list(dict.fromkeys(" ".join(p.split()) for p in data.phrases if p.strip()))
    data = IntentInput(
        name=data.name.strip().lower(), language=data.language.strip(), phrases=phrases,
        response=data.response.replace("\r\n", "\n").strip(), active=data.active,
    )  # fmt: skip
    errors = _intent_errors(data)
    if errors:
        raise ServiceValidationError(errors)
    if intent_id is None:
        intent = Intent(name=data.name, language=data.language)
    else:
        found = Intent.objects.select_for_update().filter(pk=intent_id).first()
        if found is None:
            raise NotFoundError(f"intent {intent_id}")
        intent = found
    clash = Intent.objects.filter(name=data.name, language=data.language).exclude(pk=intent.pk)
    if clash.exists():
        raise ServiceValidationError({"name": _("This language already has an intent of that name.")})
    created = intent.pk is None
    intent.name, intent.language, intent.phrases = data.name, data.language, data.phrases
    intent.response, intent.active = data.response, data.active
    intent.updated_by = actor if not isinstance(actor, str) and actor is not None else None
    intent.save()
    changes = {
        "name": intent.name,
        "language": intent.language,
        "phrases": len(phrases),
        "active": intent.active,
    }
    audit.record(actor, AuditAction.CREATE if created else AuditAction.UPDATE, intent, changes=changes)
    return intent
