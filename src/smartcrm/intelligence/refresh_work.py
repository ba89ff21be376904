"""What the workers do in a fan-out refresh (refresh.py describes the run): fit on the sample
and plan the chunks, score one chunk, switch the finished run in. The same for every kind of
run; what a kind does at each step is its RunWork (refresh_kinds.py)."""

from __future__ import annotations

import time
from contextlib import suppress
from datetime import datetime
from functools import lru_cache

from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcrm.core import heartbeat
from smartcrm.core.connection import reconnect_if_broken
from smartcrm.core.tasks import RETRY_ON
from smartcrm.intelligence import jobs
from smartcrm.intelligence.models import ChunkStatus, RefreshChunk, RefreshRun, RefreshStatus
from smartcrm.intelligence.refresh import LIVE
from smartcrm.intelligence.refresh_kinds import work_for
from smartcrm.intelligence.training import failed_message


def run_training(run_id: int) -> None:
    """Fit on the sample, plan the chunks and send them (the ``refresh_train`` task)."""
    for chunk_id in fit_and_plan(run_id):
        jobs.refresh_chunk.send(chunk_id)


def fit_and_plan(run_id: int) -> list[int]:
    """Fit a queued run's models on the sample and plan its chunks; the chunks' ids (none when
    the run was started already or cancelled)."""
    if not RefreshRun.objects.filter(pk=run_id, status=RefreshStatus.QUEUED).update(
        status=RefreshStatus.TRAINING
    ):
        return []  # started already (a message delivered twice), or cancelled
    run = RefreshRun.objects.defer("fitted").get(pk=run_id)
    work = work_for(run.kind)
    started = time.perf_counter()
    with heartbeat.beating(RefreshRun, run_id):
        try:
            fitted = work.fit(run)
            with transaction.atomic():
                chunks = _plan_chunks(run)
                RefreshRun.objects.filter(pk=run_id, status=RefreshStatus.TRAINING).update(
                    status=RefreshStatus.SCORING,
                    fitted=fitted.data,
                    sample_customers=fitted.sample,
                    staged_versions=fitted.staged_versions,
                    versions=fitted.versions,
                    metrics=fitted.metrics,
                    seconds={"train": round(time.perf_counter() - started, 2)},
                )
        except BaseException as exc:
            _fail_run(run_id, RefreshStatus.TRAINING, exc)
            raise
    if not chunks:  # nothing to do (a text backfill with every text analysed): no chunk will switch it
        finish_if_complete(run_id)
    return chunks


def _plan_chunks(run: RefreshRun) -> list[int]:
    planned = work_for(run.kind).plan(run)
    for number, chunk in enumerate(planned, start=1):
        chunk.number = number
    return [chunk.pk for chunk in RefreshChunk.objects.bulk_create(planned)]


def _fitted(run: RefreshRun) -> object:
    """The run's models, unpickled once per worker process."""
    return _fitted_models(run.pk, run.started_at)


@lru_cache(maxsize=2)
def _fitted_models(run_id: int, started_at: datetime) -> object:
    # Keyed by the start too: an id comes back when a database is restored or rebuilt (as every
    # test's is), and another run's models, maybe of another kind, must not be reused.
    kind, data = RefreshRun.objects.filter(pk=run_id).values_list("kind", "fitted").get()
    return work_for(kind).load(None if data is None else bytes(data))


def run_chunk(chunk_id: int) -> None:
    """Score one chunk and stage its rows (the ``refresh_chunk`` task); idempotent."""
    claimed = RefreshChunk.objects.filter(
        pk=chunk_id, status=ChunkStatus.PENDING, run__status__in=LIVE
    ).update(status=ChunkStatus.RUNNING, attempts=F("attempts") + 1, message="")
    if not claimed:
        return  # done, running elsewhere or cancelled: a second delivery does nothing
    chunk = RefreshChunk.objects.select_related("run").defer("run__fitted").get(pk=chunk_id)
    started = time.perf_counter()
    with heartbeat.beating(RefreshChunk, chunk_id):
        try:
            _score_and_stage(chunk, started)
        except RETRY_ON:
            with suppress(DatabaseError):  # the task is retried: the chunk waits for it
                reconnect_if_broken()
                RefreshChunk.objects.filter(pk=chunk_id, status=ChunkStatus.RUNNING).update(
                    status=ChunkStatus.PENDING
                )
            raise
        except BaseException as exc:
            with suppress(DatabaseError):
                reconnect_if_broken()
                message = failed_message(exc)[:300]
                RefreshChunk.objects.filter(pk=chunk_id, status=ChunkStatus.RUNNING).update(
                    status=ChunkStatus.FAILED, message=message, finished_at=timezone.now()
                )
                RefreshRun.objects.filter(pk=chunk.run_id, status=RefreshStatus.SCORING).update(
                    status=RefreshStatus.FAILED,
                    message=_("Chunk %(number)d failed; retry it to finish the refresh.")
                    % {"number": chunk.number},
                )
            raise
    finish_if_complete(chunk.run_id)


def _score_and_stage(chunk: RefreshChunk, started: float) -> None:
    run = chunk.run
    work = work_for(run.kind)
    rows = work.compute(run, chunk, _fitted(run))
    with transaction.atomic():
        written = work.write(run, chunk, rows)
        live = RefreshRun.objects.select_for_update().filter(pk=run.pk, status__in=LIVE).exists()
        done = live and RefreshChunk.objects.filter(pk=chunk.pk, status=ChunkStatus.RUNNING).update(
            status=ChunkStatus.DONE,
            rows=written,
            seconds=round(time.perf_counter() - started, 2),
            finished_at=timezone.now(),
        )
        if not done:  # cancelled meanwhile, or taken over by the sweeper: write nothing
            transaction.set_rollback(True)


def finish_if_complete(run_id: int) -> bool:
    """Switch the run in if every chunk is done and no one else is switching it."""
    if RefreshChunk.objects.filter(run_id=run_id).exclude(status=ChunkStatus.DONE).exists():
        return False
    if not RefreshRun.objects.filter(pk=run_id, status=RefreshStatus.SCORING).update(
        status=RefreshStatus.SWITCHING
    ):
        return False
    switch(run_id)
    return True


def switch(run_id: int) -> None:
    """Make the run's generation visible (the run must be ``switching``): for scores, activate
    its versions and its scores together (refresh_kinds.RunWork.switch)."""
    run = RefreshRun.objects.defer("fitted").get(pk=run_id)
    work = work_for(run.kind)
    started = time.perf_counter()
    with heartbeat.beating(RefreshRun, run_id):
        try:
            with transaction.atomic():
                if (
                    not RefreshRun.objects.select_for_update()
                    .filter(pk=run_id, status=RefreshStatus.SWITCHING)
                    .exists()
                ):
                    return
                scored, metrics = work.switch(run)
                seconds = {**run.seconds, "switch": round(time.perf_counter() - started, 2)}
                RefreshRun.objects.filter(pk=run_id).update(
                    status=RefreshStatus.DONE,
                    customers_scored=scored,
                    seconds=seconds,
                    metrics={**run.metrics, **metrics},
                    finished_at=timezone.now(),
                )
        except BaseException as exc:
            _fail_run(run_id, RefreshStatus.SWITCHING, exc)
            raise
    work.after_switch(run, scored)


def _fail_run(run_id: int, status: str, exc: BaseException) -> None:
    with suppress(DatabaseError):  # the database may be what failed; the error matters more
        reconnect_if_broken()
        RefreshRun.objects.filter(pk=run_id, status=status).update(
            status=RefreshStatus.FAILED, message=failed_message(exc)[:300], finished_at=timezone.now()
        )


def resume_switch(run_id: int) -> None:
    """The ``refresh_switch`` task: switch a scoring run whose chunks are all done."""
    finish_if_complete(run_id)
