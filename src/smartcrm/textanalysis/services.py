"""Analyse customer texts and store the results (the only writer of :class:`TextAnalysis`).

The analyzer (``engine.nlp.pipeline.TextAnalyzer``) is built once per process and rebuilt when
the active sentiment model changes. Its sentiment model is the shop's own, when one is active in
the model registry (``smartcrm adapt_sentiment``), else the default cached under ``DATA_DIR``;
training the default takes minutes, so a process that runs tasks inline (no Celery worker:
``CELERY_TASK_ALWAYS_EAGER``) never trains inside a request — new texts wait for
``smartcrm analyse_texts``, which trains once with a progress bar.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from smartcrm.attachments.selectors import texts_of
from smartcrm.core.events import announce
from smartcrm.engine.nlp.pipeline import TextAnalyzer
from smartcrm.engine.nlp.sentiment import SentimentModel
from smartcrm.feedback.models import Review, SurveyResponse
from smartcrm.modelregistry import registry
from smartcrm.modelregistry.models import ModelKind, ModelVersion
from smartcrm.support.models import AuthorKind, Ticket, TicketMessage
from smartcrm.textanalysis.models import SourceKind, TextAnalysis
from smartcrm.textanalysis.selectors import review_text

logger = logging.getLogger(__name__)
BATCH_SIZE = 500  # texts per analyser call and per bulk write
_ANALYZER: TextAnalyzer | None = None
_PINNED = False  # an analyzer installed by use_analyzer: used as is, whatever the registry says
_LOADED_VERSION: int | None = None  # the registry's sentiment version _ANALYZER was built with


class ModelNotReady(Exception):
    """The default sentiment model is not trained yet and this process must not train it."""


def use_analyzer(analyzer: TextAnalyzer | None) -> None:
    """Pin the analyzer this process uses (tests, tools); ``None`` goes back to the registry's."""
    global _ANALYZER, _PINNED
    _ANALYZER, _PINNED = analyzer, analyzer is not None


def _shop_sentiment_model(version: ModelVersion) -> SentimentModel | None:
    """The registry's sentiment model, or None (logged) when this code can no longer read it."""
    try:
        model = SentimentModel.from_bytes(registry.load_artifact(version))
    except (ValueError, registry.ArtifactIntegrityError) as exc:
        logger.warning("sentiment model v%s is not usable (%s); using the default", version.version, exc)
        return None
    model.version_ = f"shop-v{version.version}"
    return model


def get_analyzer(*, train_if_missing: bool) -> TextAnalyzer:
    """The process's analyzer; rebuilt when another sentiment version became active since."""
    global _ANALYZER, _LOADED_VERSION
    if _PINNED and _ANALYZER is not None:
        return _ANALYZER
    active = registry.active_version(ModelKind.SENTIMENT)
    active_id = active.pk if active is not None else None
    if _ANALYZER is not None and active_id == _LOADED_VERSION:
        return _ANALYZER
    shop_model = _shop_sentiment_model(active) if active is not None else None
    cache_dir = Path(settings.DATA_DIR)
    if shop_model is None:
        from smartcrm.engine.nlp.sentiment.default import cache_key

        if not train_if_missing and not (cache_dir / f"sentiment-default-{cache_key()}.bin").exists():
            raise ModelNotReady(
                "the default sentiment model is not trained yet: run `smartcrm analyse_texts`"
            )
    analyzer = TextAnalyzer(
        sentiment_model=shop_model, sentiment_cache_dir=str(cache_dir), intent_model_dir=str(cache_dir)
    )
    analyzer._sentiment()  # load (or train) now, not halfway through a batch
    _ANALYZER, _LOADED_VERSION = analyzer, active_id
    return _ANALYZER


@dataclass(frozen=True)
class _Text:
    source_id: int
    customer_id: int | None
    text: str
    created_at: Any
    prior_contacts: int = 0
    order_value: float | None = None


def _ticket_texts(ids: Sequence[int]) -> list[_Text]:
    tickets = Ticket.objects.filter(pk__in=ids).select_related("order")
    bodies: dict[int, list[str]] = {}
    rows = list(
        TicketMessage.objects.filter(ticket_id__in=ids, author_kind=AuthorKind.CUSTOMER, is_internal=False)
        .order_by("created_at", "id")
        .values_list("pk", "ticket_id", "body")
    )
    read = texts_of("ticket_message", [pk for pk, _, _ in rows])
    for pk, ticket_id, body in rows:
        bodies.setdefault(ticket_id, []).append(_with_attachments(body, read.get(pk, [])))
    out = []
    for t in tickets:
        earlier = Ticket.objects.filter(
            customer_id=t.customer_id,
            created_at__lt=t.created_at,
            created_at__gte=t.created_at - timedelta(days=30),
        ).count()
        messages = bodies.get(t.pk, [])
        out.append(
            _Text(
                t.pk,
                t.customer_id,
                "\n".join([t.subject, *messages]),
                t.created_at,
                prior_contacts=max(0, len(messages) - 1) + earlier,
                order_value=float(t.order.total) if t.order is not None else None,
            )
        )
    return out


def _with_attachments(text: str, read: list[str]) -> str:
    """A text with what was read from its attachments (masked already), one paragraph each."""
    return "\n\n".join([text, *read]) if read else text


def _message_texts(ids: Sequence[int]) -> list[_Text]:
    rows = TicketMessage.objects.filter(
        pk__in=ids, author_kind=AuthorKind.CUSTOMER, is_internal=False
    ).values_list("pk", "ticket__customer_id", "body", "created_at")
    read = texts_of("ticket_message", ids)
    return [
        _Text(pk, customer, _with_attachments(body, read.get(pk, [])), created)
        for pk, customer, body, created in rows
    ]


def _review_texts(ids: Sequence[int]) -> list[_Text]:
    rows = Review.objects.filter(pk__in=ids).values_list("pk", "customer_id", "title", "body", "created_at")
    read = texts_of("review", ids)
    return [
        _Text(pk, customer, _with_attachments(review_text(title, body), read.get(pk, [])), created)
        for pk, customer, title, body, created in rows
    ]


def _survey_texts(ids: Sequence[int]) -> list[_Text]:
    rows = (
        SurveyResponse.objects.filter(pk__in=ids)
        .exclude(comment="")
        .values_list("pk", "customer_id", "comment", "created_at")
    )
    return [_Text(pk, customer, comment, created) for pk, customer, comment, created in rows]


LOADERS: dict[str, Callable[[Sequence[int]], list[_Text]]] = {
    SourceKind.TICKET: _ticket_texts,
    SourceKind.TICKET_MESSAGE: _message_texts,
    SourceKind.REVIEW: _review_texts,
    SourceKind.SURVEY: _survey_texts,
}
_SUPPORT = {SourceKind.TICKET, SourceKind.TICKET_MESSAGE}
_FIELDS = (
    "customer_id",
    "text_created_at",
    "lang",
    "sentiment",
    "sentiment_score",
    "aspects",
    "intent",
    "intent_confidence",
    "urgency",
    "urgency_level",
    "priority",
    "team",
    "sla_hours",
    "redacted",
    "entities",
    "model_version",
    "analysed_at",
)


def analyse_texts(kind: str, ids: Iterable[int], *, train_if_missing: bool = True) -> int:
    """Analyse the texts of ``kind`` with these ids and upsert their analyses; returns how many.

    Idempotent: running it again overwrites the same rows (one per source text). Ids whose text
    no longer exists (or is empty) are skipped.
    """
    if kind not in LOADERS:
        raise ValueError(f"unknown text kind {kind!r}; expected one of {sorted(LOADERS)}")
    analyzer = get_analyzer(train_if_missing=train_if_missing)
    done = 0
    id_list = sorted(set(ids))
    for start in range(0, len(id_list), BATCH_SIZE):
        texts = [t for t in LOADERS[kind](id_list[start : start + BATCH_SIZE]) if t.text.strip()]
        if texts:
            _store(kind, texts, analyzer)
            done += len(texts)
    return done


def _store(kind: str, texts: list[_Text], analyzer: TextAnalyzer) -> None:
    write_analyses(kind, analysed_rows(kind, texts, analyzer))


def analysed_rows(kind: str, texts: list[_Text], analyzer: TextAnalyzer) -> list[TextAnalysis]:
    """The analyses of ``texts`` (of ``kind``), not saved yet."""
    support = kind in _SUPPORT
    frame = analyzer.analyse(
        [t.text for t in texts],
        kinds=[kind] * len(texts),
        prior_contacts=[t.prior_contacts for t in texts],
        order_value=[t.order_value for t in texts],
    )
    now, version = timezone.now(), analyzer.version
    rows = []
    for t, r in zip(texts, frame.to_dict(orient="records"), strict=True):
        rows.append(
            TextAnalysis(
                source_kind=kind,
                source_id=t.source_id,
                customer_id=t.customer_id,
                text_created_at=t.created_at,
                lang=r["lang"],
                sentiment=r["sentiment"],
                sentiment_score=float(r["sentiment_score"]),
                aspects=r["aspects"] or {},
                intent=(r["intent"] or "") if support else "",
                intent_confidence=r["intent_confidence"] if support else None,
                urgency=r["urgency"] if support else None,
                urgency_level=(r["urgency_level"] or "") if support else "",
                priority=(r["priority"] or "") if support else "",
                team=(r["team"] or "") if support else "",
                sla_hours=r["sla_hours"] if support else None,
                redacted=r["redacted"],
                entities=r["entities"],
                model_version=version,
                analysed_at=now,
            )
        )
    return rows


def write_analyses(kind: str, rows: list[TextAnalysis]) -> None:
    """Upsert analyses (one per source text) and announce the tickets' on commit."""
    with transaction.atomic():
        TextAnalysis.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["source_kind", "source_id"],
            update_fields=list(_FIELDS),
        )
        if kind == SourceKind.TICKET:
            for row in rows:
                announce(row, "smartcrm.automation.events.ticket_analysed")  # sentiment workflows


def analyse_pending(
    kinds: Sequence[str] | None = None,
    *,
    only_missing: bool = True,
    on_start: Callable[[int], None] | None = None,
    on_batch: Callable[[str, int], None] | None = None,
) -> int:
    """Analyse every text of ``kinds`` (default: all) that has no analysis yet, or all of them.

    Loads (or, the first time, trains) the analyzer first if there is anything to do; then
    ``on_start`` hears the number of texts to do and ``on_batch`` the kind and size of each batch
    done. Returns how many texts were analysed. Idempotent, like :func:`analyse_texts`.
    """
    todo = {kind: pending_ids(kind, only_missing=only_missing) for kind in kinds or list(SourceKind)}
    total = sum(len(ids) for ids in todo.values())
    if total:  # nothing to do: no model to load (or train)
        get_analyzer(train_if_missing=True)
    if on_start:
        on_start(total)
    done = 0
    for kind, ids in todo.items():
        for start in range(0, len(ids), BATCH_SIZE):
            batch = ids[start : start + BATCH_SIZE]
            done += analyse_texts(kind, batch)
            if on_batch:
                on_batch(kind, len(batch))
    return done


def pending_ids(kind: str, *, only_missing: bool = True) -> list[int]:
    """Ids of texts of ``kind`` to (re-)analyse: those without an analysis, or all."""
    return sorted(pending(kind, only_missing=only_missing).values_list("pk", flat=True))


def load_texts(kind: str, ids: Sequence[int]) -> list[_Text]:
    """The texts of ``kind`` with these ids that have something to analyse."""
    return [t for t in LOADERS[kind](ids) if t.text.strip()]


def pending(kind: str, *, only_missing: bool = True) -> Any:
    """The texts of ``kind`` to (re-)analyse, as a queryset: those without an analysis, or all."""
    querysets: dict[str, Any] = {
        SourceKind.TICKET: Ticket.objects.all(),
        SourceKind.TICKET_MESSAGE: TicketMessage.objects.filter(
            author_kind=AuthorKind.CUSTOMER, is_internal=False
        ),
        SourceKind.REVIEW: Review.objects.all(),
        SourceKind.SURVEY: SurveyResponse.objects.exclude(comment=""),
    }
    texts = querysets[kind]
    if only_missing:
        done = TextAnalysis.objects.filter(source_kind=kind).values_list("source_id", flat=True)
        texts = texts.exclude(pk__in=done)
    return texts
