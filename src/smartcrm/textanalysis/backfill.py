"""The text-analysis backfill as a fan-out run (kind ``texts``; intelligence/refresh.py describes
the run): every ticket, customer message, review and survey answer not analysed yet (or every
one, with ``{"all": true}``), in chunks of text ids that the bulk-queue workers share.

- **plan** (one worker): per text kind, the ids still to analyse are streamed once (no list of
  them is held) and only the id ranges of ``chunk_size`` that hold some become chunks, so the
  progress counts real work and a shop whose texts are all analysed plans nothing.
- **chunk** (any worker): the range's texts still to analyse are read and analysed in batches of
  ``services.BATCH_SIZE`` outside any transaction; their analyses are upserted (one per text)
  in the transaction that marks the chunk done. A chunk killed or run twice is idempotent: an
  analysis is per text, and a retried chunk analyses what is still missing.
- **switch**: nothing to switch, each text's analysis stands alone; the run records how many
  texts its chunks analysed.

The sentiment model is the active one, loaded once per worker process (``services.get_analyzer``;
a worker, or ``smartcrm train --kinds texts``, trains the shipped default the first time if there
is none; a process running tasks inline fails the chunk instead, saying to run
``smartcrm analyse_texts``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Sum

from smartcrm.intelligence.models import RefreshChunk, RefreshRun
from smartcrm.intelligence.refresh_kinds import Fitted
from smartcrm.textanalysis import services
from smartcrm.textanalysis.models import SourceKind, TextAnalysis


def _kinds(run: RefreshRun) -> list[str]:
    asked = run.options.get("kinds") or list(SourceKind.values)
    unknown = sorted(set(asked) - set(SourceKind.values))
    if unknown:
        raise ValueError(f"unknown text kinds {unknown}; expected some of {list(SourceKind.values)}")
    return [k for k in SourceKind.values if k in asked]


def _only_missing(run: RefreshRun) -> bool:
    return not run.options.get("all", False)


class TextBackfillWork:
    def fit(self, run: RefreshRun) -> Fitted:
        _kinds(run)  # a run asked for a kind that does not exist fails before any chunk
        return Fitted()

    def plan(self, run: RefreshRun) -> list[RefreshChunk]:
        chunks = []
        for kind in _kinds(run):
            starts: set[int] = set()
            ids = services.pending(kind, only_missing=_only_missing(run)).values_list("pk", flat=True)
            for pk in ids.iterator(chunk_size=20_000):
                starts.add(pk - (pk - 1) % run.chunk_size)  # ids 1…size, size+1…2·size, …
            chunks += [
                RefreshChunk(run=run, number=0, first_id=lo, last_id=lo + run.chunk_size - 1, source=kind)
                for lo in sorted(starts)
            ]
        return chunks

    def load(self, data: bytes | None) -> None:
        return None

    def compute(self, run: RefreshRun, chunk: RefreshChunk, fitted: None) -> list[TextAnalysis]:
        todo = services.pending(chunk.source, only_missing=_only_missing(run)).filter(
            pk__gte=chunk.first_id, pk__lte=chunk.last_id
        )
        ids = sorted(todo.values_list("pk", flat=True))
        if not ids:
            return []
        # A worker (or a command: ``train_models``) may train the shipped default the first
        # time; a process running tasks inline must not, inside a request (services.py).
        may_train = run.options.get("train_models", not settings.CELERY_TASK_ALWAYS_EAGER)
        analyzer = services.get_analyzer(train_if_missing=bool(may_train))
        rows: list[TextAnalysis] = []
        for start in range(0, len(ids), services.BATCH_SIZE):
            texts = services.load_texts(chunk.source, ids[start : start + services.BATCH_SIZE])
            if texts:
                rows += services.analysed_rows(chunk.source, texts, analyzer)
        return rows

    def write(self, run: RefreshRun, chunk: RefreshChunk, rows: list[TextAnalysis]) -> int:
        for start in range(0, len(rows), services.BATCH_SIZE):
            services.write_analyses(chunk.source, rows[start : start + services.BATCH_SIZE])
        return len(rows)

    def switch(self, run: RefreshRun) -> tuple[int, dict[str, Any]]:
        analysed = run.chunks.values("source").annotate(n=Sum("rows"))
        by_kind = {row["source"]: int(row["n"] or 0) for row in analysed}
        return sum(by_kind.values()), {"analysed": by_kind}

    def after_switch(self, run: RefreshRun, count: int) -> None:
        return None

    def drop(self, run_id: int) -> None:
        return None  # analyses written stand: each is a whole text's


WORK = TextBackfillWork()
