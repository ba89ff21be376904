"""What the workers do in a fan-out refresh (refresh.py describes the run): fit on the sample
and plan the chunks, score one chunk, switch the finished run in."""

from __future__ import annotations

import time
from contextlib import suppress
from functools import lru_cache

from django.db import DatabaseError, transaction
from django.db.models import F, Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcrm.core import heartbeat
from smartcrm.core.connection import reconnect_if_broken
from smartcrm.core.tasks import RETRY_ON
from smartcrm.intelligence import events, jobs, staging
from smartcrm.intelligence.models import ChunkStatus, RefreshChunk, RefreshRun, RefreshStatus
from smartcrm.intelligence.refresh import LIVE
from smartcrm.intelligence.refresh_chunks import score_chunk
from smartcrm.intelligence.refresh_fit import FittedModels, fit_on_sample
from smartcrm.intelligence.selectors import high_value_threshold
from smartcrm.intelligence.training import RefreshResult, _record_movement, failed_message, score_rows
from smartcrm.modelregistry import registry


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
    run = RefreshRun.objects.get(pk=run_id)
    result = RefreshResult(as_of=run.as_of)
    started = time.perf_counter()
    with heartbeat.beating(RefreshRun, run_id):
        try:
            fitted, sample, staged = fit_on_sample(run.as_of, run.actor_label, result)
            with transaction.atomic():
                chunks = _plan_chunks(run)
                RefreshRun.objects.filter(pk=run_id, status=RefreshStatus.TRAINING).update(
                    status=RefreshStatus.SCORING,
                    fitted=fitted.to_bytes(),
                    sample_customers=sample,
                    staged_versions=staged,
                    versions=result.versions,
                    metrics=result.metrics,
                    seconds={"train": round(time.perf_counter() - started, 2)},
                )
        except BaseException as exc:
            _fail_run(run_id, RefreshStatus.TRAINING, exc)
            raise
    return chunks


def _plan_chunks(run: RefreshRun) -> list[int]:
    from smartcrm.customers.models import Customer

    bounds = Customer.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
    if bounds["lo"] is None:
        return []
    starts = range(bounds["lo"], bounds["hi"] + 1, run.chunk_size)
    made = RefreshChunk.objects.bulk_create(
        RefreshChunk(run=run, number=n, first_id=lo, last_id=lo + run.chunk_size - 1)
        for n, lo in enumerate(starts, start=1)
    )
    return [chunk.pk for chunk in made]


@lru_cache(maxsize=2)
def _fitted(run_id: int) -> FittedModels:
    """The run's models, unpickled once per worker process."""
    data = RefreshRun.objects.filter(pk=run_id).values_list("fitted", flat=True).get()
    if data is None:
        raise ValueError("the refresh run has no fitted models")
    return FittedModels.from_bytes(bytes(data))


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
    fitted = _fitted(run.pk)
    table = score_chunk(fitted, run.as_of, chunk.first_id, chunk.last_id)
    rows = score_rows(table, run.as_of, timezone.now(), fitted.versions)
    with transaction.atomic():
        written = staging.stage_rows(run.pk, chunk.first_id, chunk.last_id, rows)
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
    """Activate the run's versions and its scores together (the run must be ``switching``)."""
    run = RefreshRun.objects.defer("fitted").get(pk=run_id)
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
                registry.activate_together(list(run.staged_versions), actor=run.actor_label)
                _record_movement(run.as_of, staging.staged_segments(run_id))
                scored = staging.switch_in(run_id)
                events.scores_refreshed(run.as_of)
                seconds = {**run.seconds, "switch": round(time.perf_counter() - started, 2)}
                RefreshRun.objects.filter(pk=run_id).update(
                    status=RefreshStatus.DONE,
                    customers_scored=scored,
                    seconds=seconds,
                    finished_at=timezone.now(),
                )
        except BaseException as exc:
            _fail_run(run_id, RefreshStatus.SWITCHING, exc)
            raise
    high_value_threshold(refresh=True)  # the list's "high value" filter follows the new scores
    result = RefreshResult(as_of=run.as_of, customers_scored=scored, versions=dict(run.versions))
    events.models_refreshed(result)


def _fail_run(run_id: int, status: str, exc: BaseException) -> None:
    with suppress(DatabaseError):  # the database may be what failed; the error matters more
        reconnect_if_broken()
        RefreshRun.objects.filter(pk=run_id, status=status).update(
            status=RefreshStatus.FAILED, message=failed_message(exc)[:300], finished_at=timezone.now()
        )


def resume_switch(run_id: int) -> None:
    """The ``refresh_switch`` task: switch a scoring run whose chunks are all done."""
    finish_if_complete(run_id)
