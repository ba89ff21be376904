"""Running a bulk action: the selection (ids, a saved view or the list's filters) is resolved
here on the worker — counted for the progress, then read in keyset chunks of ``BATCH`` ids
(``selection.id_chunks``), never loaded whole — after checking again that the actor may still do
this to these rows (``selection.refusal``). Each batch runs in its own transaction with the
progress committed alongside, so a page polling the run sees it move and a run stopped half-way
has done whole batches only. One customer's failure (a campaign that
refuses them) is counted, never stops the run. An export writes its batches into a temporary
file, stored (the default storage, ``bulk-exports/``) once complete, for its actor to download."""

from __future__ import annotations

import logging
import secrets
import tempfile

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation

from smartcrm.accounts.models import User
from smartcrm.bulk.models import BulkAction, BulkRun, BulkStatus
from smartcrm.bulk.selection import customers_of, id_chunks, refusal
from smartcrm.bulk.services import NEEDS
from smartcrm.campaigns import services as campaigns
from smartcrm.core import audit
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.customers.models import Customer, Tag
from smartcrm.exports import services as exports

log = logging.getLogger(__name__)
BATCH = 500


def _apply(run: BulkRun, ids: list[int]) -> int:
    """Apply the action to one batch; returns how many customers failed."""
    if run.action == BulkAction.TAG:
        tag, _created = Tag.objects.get_or_create(name=run.value.lower()[:50])
        through = Customer.tags.through
        through.objects.bulk_create(
            [through(customer_id=i, tag_id=tag.pk) for i in ids], ignore_conflicts=True
        )
    elif run.action == BulkAction.ASSIGN_OWNER:
        Customer.objects.filter(pk__in=ids).update(owner_id=int(run.value), updated_at=timezone.now())
    elif run.action == BulkAction.ASSIGN_TEAM:
        Customer.objects.filter(pk__in=ids).update(owner_team_id=int(run.value), updated_at=timezone.now())
    else:
        failed = 0
        for customer_id in ids:
            try:
                with transaction.atomic():
                    campaigns.add_to_campaign(
                        actor=run.actor or "bulk", campaign_id=int(run.value), customer_id=customer_id
                    )
            except (NotFoundError, ServiceValidationError):
                failed += 1
        return failed
    return 0


def _export(bulk: BulkRun, selection: QuerySet[Customer]) -> int:
    """Write the selection as CSV chunk by chunk (progress after each), then store the file."""
    if bulk.actor is None:
        raise ServiceValidationError({"actor": "An export needs the person it is for."})
    customers = exports.export_list("customers").queryset()
    done = 0
    with tempfile.TemporaryFile("w+b") as out:
        header = exports.selection_csv_lines(bulk.actor, "customers", customers.none(), header=True)
        out.write("".join(header).encode())
        for batch in id_chunks(selection, BATCH):
            rows = exports.selection_csv_lines(
                bulk.actor, "customers", customers.filter(pk__in=batch), header=False
            )
            out.write("".join(rows).encode())
            done += len(batch)
            BulkRun.objects.filter(pk=bulk.pk).update(done=done)
        out.seek(0)
        name = default_storage.save(f"bulk-exports/{bulk.pk}-{secrets.token_hex(16)}.csv", File(out))
    BulkRun.objects.filter(pk=bulk.pk).update(export_file=name)
    return done


def _apply_in_batches(bulk: BulkRun, selection: QuerySet[Customer]) -> tuple[int, int]:
    """Done and failed counts, committed with each batch."""
    done = failed = 0
    for batch in id_chunks(selection, BATCH):
        with transaction.atomic():
            missed = _apply(bulk, batch)
            done, failed = done + len(batch) - missed, failed + missed
            BulkRun.objects.filter(pk=bulk.pk).update(done=done, failed=failed)
    return done, failed


def _fail(run_id: int, error: str) -> None:
    BulkRun.objects.filter(pk=run_id).update(
        status=BulkStatus.FAILED, error=error[:300], finished_at=timezone.now()
    )


def run(run_id: int) -> int:
    """Run the bulk action ``run_id`` (once: a run not queued is left alone)."""
    if not BulkRun.objects.filter(pk=run_id, status=BulkStatus.QUEUED).update(status=BulkStatus.RUNNING):
        return 0
    bulk = BulkRun.objects.select_related("view", "actor").get(pk=run_id)
    refused = refusal(bulk, NEEDS[bulk.action])
    if refused is not None:
        _fail(run_id, refused)
        return 0
    selection = customers_of(bulk)
    BulkRun.objects.filter(pk=run_id).update(total=selection.count())
    failed = 0
    try:
        if bulk.action == BulkAction.EXPORT:
            # the file's header row in the language of the person who asked for it
            with translation.override((bulk.actor.language if bulk.actor else "") or settings.LANGUAGE_CODE):
                done = _export(bulk, selection)
        else:
            done, failed = _apply_in_batches(bulk, selection)
    except Exception as exc:  # a broken run is recorded failed, with what it did
        log.exception("bulk run %s failed", run_id)
        _fail(run_id, type(exc).__name__)
        raise
    # the count was taken before the first chunk: rows that stopped matching since are not done
    BulkRun.objects.filter(pk=run_id).update(
        status=BulkStatus.DONE, total=done + failed, finished_at=timezone.now()
    )
    actor: User | str = bulk.actor or "bulk"
    audit.record(
        actor, AuditAction.UPDATE, bulk, changes={"action": bulk.action, "done": done, "failed": failed}
    )
    return done
