"""Writes for de-duplication: bulk runs, the import-time check, review decisions, merges.

The matching itself is ``smartcrm.engine.dedup`` with the shipped weights (fitted on the
training corpus, see ``engine/dedup/weights.py``). Customers are read with their contact
details decrypted in memory only; pairs store probabilities and comparison levels, never the
values compared.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcrm.core import audit, heartbeat
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.customers.models import Customer
from smartcrm.dedup import jobs, merging, rules, selectors
from smartcrm.dedup.models import DedupRun, DuplicatePair, Merge, PairState, RunState
from smartcrm.engine.dedup.compare import FIELDS, LEVEL_NAMES
from smartcrm.engine.dedup.model import Deduplicator
from smartcrm.engine.dedup.weights import shipped

WRITE_BATCH = 2_000
Progress = Callable[[str, float], None]


def deduplicator() -> Deduplicator:
    return shipped(getattr(settings, "SMARTCRM_DEFAULT_REGION", "US") or "US")


def evidence_of(model: Deduplicator, row: Any) -> dict[str, Any]:
    """Per field: the comparison level's name and its weight in the score (JSON for the pair)."""
    weights = model.scorer_.field_weights(row)
    return {
        field: {"level": LEVEL_NAMES[field][int(row[field])], "weight": weights[field]} for field in FIELDS
    }


def decision_for(model: Deduplicator, probability: float) -> str:
    if probability >= model.auto_merge_threshold_:
        return "auto_merge"
    return "review" if probability >= model.review_threshold_ else "distinct"


# -- import time ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Match:
    customer_id: int
    probability: float
    decision: str  # "auto_merge" or "review"
    evidence: dict[str, Any]


def find_matches_for(customer_id: int, *, record: bool = False) -> list[Match]:
    """Customers that may be the same person as ``customer_id``, most likely first.

    For the import: call it after saving a row. Candidates come from the lookup hashes and name
    indexes (at most 200), so the check costs a few queries whatever the table size. With
    ``record`` the matches are also stored as pending pairs for the review queue.
    """
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise NotFoundError(f"customer {customer_id}")
    candidates = selectors.match_candidates(customer)
    if not candidates:
        return []
    model = deduplicator()
    scored = model.score_pairs(selectors.customer_frame([customer_id, *candidates]))
    mine = scored[(scored["left_id"] == customer_id) | (scored["right_id"] == customer_id)]
    mine = mine[mine["probability"] >= model.review_threshold_].sort_values("probability", ascending=False)
    matches = []
    for _index, row in mine.iterrows():
        other = int(row["right_id"] if row["left_id"] == customer_id else row["left_id"])
        probability = float(row["probability"])
        matches.append(Match(other, probability, decision_for(model, probability), evidence_of(model, row)))
    if record and not mine.empty:
        _store_pairs(mine, model)
    return matches


def check_new_customers(customer_ids: list[int], *, actor: Actor) -> str:
    """After an import: new customers who may be someone already here go to the review queue.

    Up to ``SMARTCRM_DEDUP_IMPORT_CHECK_LIMIT`` (default 2,000) new customers are checked one by
    one (``find_matches_for``: candidates from the lookup indexes, a few queries each); more than
    that starts a bulk run over the whole table, which costs less per customer. Either way the
    work is a task handed over when the import commits; returns what was started ("" if nothing).
    """
    if not customer_ids:
        return ""
    if len(customer_ids) > settings.SMARTCRM_DEDUP_IMPORT_CHECK_LIMIT:
        run = request_run(actor=actor)
        return f"dedup run {run.pk}"
    ids = list(customer_ids)
    jobs.check_customers.on_commit(ids)
    return f"{len(ids)} new customers"


def check_customers(customer_ids: list[int], progress: Callable[[int, int], None] | None = None) -> int:
    """Record the likely duplicates of each customer as pending pairs; returns how many matched.

    Idempotent (pairs are upserted; decided pairs keep their decision); customers gone since
    (merged or erased) are skipped."""
    matched = 0
    for done, customer_id in enumerate(customer_ids, start=1):
        with contextlib.suppress(NotFoundError):
            matched += bool(find_matches_for(customer_id, record=True))
        if progress and (done % 100 == 0 or done == len(customer_ids)):
            progress(done, len(customer_ids))
    return matched


# -- bulk ----------------------------------------------------------------------------------------
def start_run(*, actor: Actor, auto_merge: bool = False) -> DedupRun:
    run = DedupRun.objects.create(
        started_at=timezone.now(), auto_merge=auto_merge, actor_label=merging._label(actor), stage="queued"
    )
    audit.record(actor, AuditAction.START_DEDUP_RUN, run, changes={"auto_merge": auto_merge})
    return run


def request_run(*, actor: Actor, auto_merge: bool = False) -> DedupRun:
    """Record a run and hand it to the worker once the transaction commits (inline without Redis)."""
    run = start_run(actor=actor, auto_merge=auto_merge)
    jobs.find_duplicates.on_commit(run.pk)
    return run


def find_duplicates(*, run_id: int, progress: Progress | None = None) -> DedupRun:
    """Score every candidate pair of the customer table; store the pairs at or above the review
    threshold as pending (pairs already decided keep their decision); with ``auto_merge`` merge
    the pairs at or above the auto-merge threshold. Idempotent: a rerun refreshes the scores.
    The run beats while it works (core/heartbeat.py); one whose worker died is swept as
    ``interrupted`` and can be resumed (``resume_run``)."""
    run = selectors.get_run(run_id)
    run.state, run.error = RunState.RUNNING, ""
    DedupRun.objects.filter(pk=run.pk).update(state=RunState.RUNNING, error="")
    with heartbeat.beating(DedupRun, run.pk):
        run.refresh_from_db(fields=["worker", "heartbeat_at"])  # kept by the run's final save
        return _find_duplicates(run, progress)


def resume_run(*, actor: Actor, run_id: int) -> DedupRun:
    """Run an interrupted or failed run again from the start (a rerun only refreshes its pairs)."""
    run = selectors.get_run(run_id)
    if run.state not in (RunState.INTERRUPTED, RunState.FAILED):
        raise ServiceValidationError({"run": _("Only an interrupted or failed run can be resumed.")})
    run.state, run.stage, run.percent, run.error, run.finished_at = RunState.RUNNING, "queued", 0, "", None
    run.save(update_fields=["state", "stage", "percent", "error", "finished_at"])
    audit.record(actor, AuditAction.START_DEDUP_RUN, run, changes={"resumed": True})
    jobs.find_duplicates.on_commit(run.pk)
    return run


def _find_duplicates(run: DedupRun, progress: Progress | None) -> DedupRun:
    started = time.perf_counter()

    def report(stage: str, fraction: float) -> None:
        run.stage, run.percent = stage, int(100 * fraction)
        DedupRun.objects.filter(pk=run.pk).update(stage=stage, percent=run.percent)
        if progress:
            progress(stage, fraction)

    try:
        total = max(Customer.objects.count(), 1)
        seen = [0]

        def read(n: int) -> None:
            seen[0] += n
            report("read", min(seen[0] / total, 1.0) * 0.3)

        frame = selectors.customer_frame(progress=read)
        model = deduplicator()
        stages = {"normalise": 0.4, "block": 0.5, "compare": 0.8, "score": 0.85, "cluster": 0.9}
        result = model.find_duplicates(frame, progress=lambda s, f: report(s, stages.get(s, 0.9)))
        del frame
        report("store", 0.9)
        stored = _store_pairs(result.pairs, model)
        merged = 0
        if run.auto_merge:
            report("merge", 0.95)
            merged = auto_merge(actor=f"dedup-run:{run.pk}", min_probability=model.auto_merge_threshold_)
        run.state, run.stage, run.percent = RunState.DONE, "done", 100
        run.customers, run.candidates, run.pairs_found, run.auto_merged = (
            total,
            result.candidates,
            stored,
            merged,
        )
    except Exception as exc:
        run.state, run.error = RunState.FAILED, type(exc).__name__
        raise
    finally:
        run.seconds = round(time.perf_counter() - started, 2)
        run.finished_at = timezone.now()
        run.save()
    return run


def _store_pairs(pairs: pd.DataFrame, model: Deduplicator) -> int:
    return store_pair_rows(pair_rows(pairs, model))


def pair_rows(pairs: pd.DataFrame, model: Deduplicator) -> Iterator[tuple[int, int, float, dict[str, Any]]]:
    """(left id, right id, probability, evidence) of each scored pair."""
    for _index, row in pairs.iterrows():
        yield int(row["left_id"]), int(row["right_id"]), float(row["probability"]), evidence_of(model, row)


def store_pair_rows(rows: Iterable[tuple[int, int, float, dict[str, Any]]]) -> int:
    """Upsert pending pairs, one row per pair; a pair already merged, rejected or obsolete keeps
    its state. How many pairs were created or re-scored."""
    now = timezone.now()
    stored = 0
    rows = iter(rows)
    while batch := list(itertools.islice(rows, WRITE_BATCH)):
        existing = {
            (p.left_id, p.right_id): p
            for p in DuplicatePair.objects.filter(
                left_id__in={r[0] for r in batch}, right_id__in={r[1] for r in batch}
            )
        }
        create, update = [], []
        for left, right, probability, evidence in batch:
            pair = existing.get((left, right))
            if pair is None:
                create.append(DuplicatePair(left_id=left, right_id=right, probability=probability,
                                            evidence=evidence, found_at=now))  # fmt: skip
            elif pair.state == PairState.PENDING:
                pair.probability, pair.evidence, pair.found_at = probability, evidence, now
                update.append(pair)
        with transaction.atomic():
            DuplicatePair.objects.bulk_create(create, ignore_conflicts=True)
            DuplicatePair.objects.bulk_update(update, ["probability", "evidence", "found_at"])
        stored += len(create) + len(update)
    return stored


def auto_merge(*, actor: Actor, min_probability: float) -> int:
    """Merge every pending pair at or above ``min_probability``, strongest first; a pair whose
    customer was already merged away in this pass is skipped (it became obsolete)."""
    merged = 0
    ids = list(
        DuplicatePair.objects.filter(state=PairState.PENDING, probability__gte=min_probability)
        .order_by("-probability", "pk")
        .values_list("pk", flat=True)
    )
    for pair_id in ids:
        pair = DuplicatePair.objects.filter(pk=pair_id, state=PairState.PENDING).first()
        if pair is None:
            continue
        merge_pair(actor=actor, pair_id=pair.pk, automatic=True)
        merged += 1
    return merged


# -- review decisions ------------------------------------------------------------------------------
@transaction.atomic
def merge_pair(
    *,
    actor: Actor,
    pair_id: int,
    survivor_id: int | None = None,
    choices: dict[str, str] | None = None,
    automatic: bool = False,
) -> Merge:
    """Merge the two customers of a pending pair. The survivor is ``survivor_id`` if given (one
    of the two), else the customer with more orders, then the older one."""
    pair = DuplicatePair.objects.select_for_update().filter(pk=pair_id).first()
    if pair is None:
        raise NotFoundError(f"duplicate pair {pair_id}")
    if pair.state != PairState.PENDING:
        raise ServiceValidationError(
            {
                "__all__": _("This pair is %(state)s, not pending.")
                % {"state": pair.get_state_display().lower()}
            }
        )
    customers = Customer.objects.in_bulk([pair.left_id, pair.right_id])
    if len(customers) != 2:
        raise ServiceValidationError({"__all__": _("One of the two customers no longer exists.")})
    if survivor_id is not None and survivor_id not in customers:
        raise ServiceValidationError({"survivor_id": _("Choose one of the pair's two customers.")})
    if survivor_id is None:
        survivor, merged = rules.pick_survivor(customers[pair.left_id], customers[pair.right_id])
    else:
        survivor = customers[survivor_id]
        merged = customers[pair.right_id if survivor_id == pair.left_id else pair.left_id]
    return merging.merge_customers(
        actor=actor,
        survivor_id=survivor.pk,
        merged_id=merged.pk,
        choices=choices,
        pair=pair,
        automatic=automatic,
    )


@transaction.atomic
def reject_pair(*, actor: Actor, pair_id: int) -> DuplicatePair:
    """Mark a pair as two different people; later runs leave it alone."""
    pair = DuplicatePair.objects.select_for_update().filter(pk=pair_id).first()
    if pair is None:
        raise NotFoundError(f"duplicate pair {pair_id}")
    if pair.state != PairState.PENDING:
        raise ServiceValidationError(
            {
                "__all__": _("This pair is %(state)s, not pending.")
                % {"state": pair.get_state_display().lower()}
            }
        )
    pair.state, pair.decided_at, pair.decided_by = PairState.REJECTED, timezone.now(), audit.user_of(actor)
    pair.save(update_fields=["state", "decided_at", "decided_by"])
    audit.record(
        actor,
        AuditAction.REJECT_DUPLICATE,
        pair,
        changes={"left_id": pair.left_id, "right_id": pair.right_id},
    )
    return pair


def undo_merge(*, actor: Actor, merge_id: int) -> Merge:
    return merging.undo_merge(actor=actor, merge_id=merge_id)
