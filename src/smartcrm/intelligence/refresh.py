"""The intelligence refresh as a fan-out run: train on a sample, score in chunks, switch at once.

1. ``start_refresh`` creates a RefreshRun and sends ``refresh_train`` (bulk queue).
2. ``run_training`` fits every model on a bounded sample (refresh_fit.py), registers the
   versions staged, plans one RefreshChunk per ``chunk_size`` customer ids and sends each.
3. ``run_chunk`` (any number of workers, on any machine) scores its customers and stages the
   rows under the run (staging.py); the rows and the chunk's ``done`` commit together, so a
   chunk run twice writes once. A chunk that fails is ``failed`` and the run with it; the other
   chunks go on, and ``retry`` sends the failed ones again.
4. The chunk that finds every chunk done switches the run in (``switch``): the staged model
   versions are activated and the generation copied into CustomerScore in one transaction.
   Until then readers see the previous scores, whole.

This module holds what a person does to a run (start, cancel, retry), light enough for the web
process; refresh_work.py holds what the workers do (steps 2–4).

Where the jobs run: Celery workers on the bulk queue with Redis; the embedded runner's threads
in the web server without; inline in commands and tests (core/jobs.py). ``smartcrm train`` and
the demo run the same steps in their own process, one chunk after another (refresh_local.py),
unless told to hand the run to the workers. A worker killed
mid-chunk leaves the chunk ``running``; the sweeper (refresh_recovery.py) sends it again.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.models import AuditAction
from smartcrm.intelligence import jobs
from smartcrm.intelligence.models import ChunkStatus, RefreshChunk, RefreshRun, RefreshStatus, RunKind
from smartcrm.intelligence.refresh_kinds import work_for

CHUNK_CUSTOMERS = 25_000  # customer ids per chunk: about 250,000 order lines, a few hundred MB
CHUNK_TEXTS = 5_000  # text ids per chunk of a text backfill: minutes of analysis on one core
LIVE = (RefreshStatus.SCORING, RefreshStatus.FAILED)  # runs whose chunks may still be scored
# Models a scores run may leave out (``options={"skip": [...]}``): their columns are switched in
# empty. Segments, churn and 30-day propensity are always fitted.
SKIPPABLE = ("clv", "category_propensity")


class RefreshStateError(ValueError):
    """The run or chunk is not in a state that allows this."""


def start_refresh(
    *,
    actor: Actor,
    as_of: date | None = None,
    chunk_size: int | None = None,
    send: bool = True,
    kind: str = RunKind.SCORES,
    options: dict[str, Any] | None = None,
) -> RefreshRun:
    """Queue a fan-out run of ``kind`` as of ``as_of`` (default yesterday); with ``send=False``
    nothing is sent and the caller runs it itself (refresh_local.py). ``chunk_size`` defaults to
    CHUNK_TEXTS for a text backfill, CHUNK_CUSTOMERS otherwise. ``options={"skip": [...]}``: a
    scores run without the models of SKIPPABLE named there."""
    if kind not in RunKind.values:
        raise ValueError(f"unknown refresh kind {kind!r}; expected one of {RunKind.values}")
    skip = (options or {}).get("skip", [])
    if skip and (kind != RunKind.SCORES or not set(skip) <= set(SKIPPABLE)):
        raise ValueError(f"a scores run may skip only {SKIPPABLE}; got {skip!r} for {kind}")
    size = chunk_size or (CHUNK_TEXTS if kind == RunKind.TEXTS else CHUNK_CUSTOMERS)
    with transaction.atomic():
        run = RefreshRun.objects.create(
            kind=kind,
            options=options or {},
            as_of=as_of or timezone.localdate() - timedelta(days=1),
            actor_label=str(actor)[:150],
            chunk_size=max(1, size),
        )
        audit.record(actor, AuditAction.START, run, changes={"as_of": run.as_of.isoformat(), "kind": kind})
        if send:
            jobs.refresh_train.on_commit(run.pk)
    return run


def cancel(*, run_id: int, actor: Actor) -> RefreshRun:
    """Stop a run that has not switched: its chunks are not scored, its staged rows go."""
    with transaction.atomic():
        run = RefreshRun.objects.select_for_update().defer("fitted").get(pk=run_id)
        if run.status not in (RefreshStatus.QUEUED, RefreshStatus.TRAINING, *LIVE):
            raise RefreshStateError(_("Only a refresh that has not switched in can be cancelled."))
        run.status, run.finished_at = RefreshStatus.CANCELLED, timezone.now()
        run.message = _("Cancelled; the previous scores stay.")
        run.save(update_fields=["status", "finished_at", "message"])
        RefreshChunk.objects.filter(run_id=run_id).exclude(status=ChunkStatus.DONE).update(
            status=ChunkStatus.CANCELLED
        )
        work_for(run.kind).drop(run_id)  # the generation goes
        audit.record(actor, AuditAction.CANCEL, run)
    return run


def retry(*, run_id: int, actor: Actor) -> RefreshRun:
    """Send a failed run's failed chunks again (or its switch, when every chunk is done)."""
    with transaction.atomic():
        run = RefreshRun.objects.select_for_update().defer("fitted").get(pk=run_id)
        if run.status != RefreshStatus.FAILED or not run.chunks.exists():  # no chunks: training failed
            raise RefreshStateError(_("Only a failed refresh whose models were fitted can be retried."))
        failed = list(run.chunks.filter(status=ChunkStatus.FAILED).values_list("pk", flat=True))
        RefreshChunk.objects.filter(pk__in=failed).update(status=ChunkStatus.PENDING, message="")
        run.status, run.message, run.finished_at = RefreshStatus.SCORING, "", None
        run.save(update_fields=["status", "message", "finished_at"])
        audit.record(actor, AuditAction.RESUME, run, changes={"chunks": len(failed)})
        for chunk_id in failed:
            jobs.refresh_chunk.on_commit(chunk_id)
        if not failed:
            jobs.refresh_switch.on_commit(run_id)
    return run
