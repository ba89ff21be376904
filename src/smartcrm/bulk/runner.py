"""Running a bulk action: the selection's ids in batches of ``BATCH``, each batch in its own
transaction with the progress committed alongside, so a page polling the run sees it move and a
run stopped half-way has done whole batches only. One customer's failure (a campaign that
refuses them) is counted, never stops the run."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from smartcrm.accounts.models import User
from smartcrm.bulk.models import BulkAction, BulkRun, BulkStatus
from smartcrm.bulk.selection import customers_of
from smartcrm.campaigns import services as campaigns
from smartcrm.core import audit
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.customers.models import Customer, Tag

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


def run(run_id: int) -> int:
    """Run the bulk action ``run_id`` (once: a run not queued is left alone)."""
    if not BulkRun.objects.filter(pk=run_id, status=BulkStatus.QUEUED).update(status=BulkStatus.RUNNING):
        return 0
    bulk = BulkRun.objects.select_related("view", "actor").get(pk=run_id)
    ids = list(customers_of(bulk).order_by("pk").values_list("pk", flat=True))
    BulkRun.objects.filter(pk=run_id).update(total=len(ids))
    done = failed = 0
    try:
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            with transaction.atomic():
                missed = _apply(bulk, batch)
                done, failed = done + len(batch) - missed, failed + missed
                BulkRun.objects.filter(pk=run_id).update(done=done, failed=failed)
    except Exception as exc:  # a broken run is recorded failed, with what it did
        log.exception("bulk run %s failed", run_id)
        BulkRun.objects.filter(pk=run_id).update(
            status=BulkStatus.FAILED, error=type(exc).__name__, finished_at=timezone.now()
        )
        raise
    BulkRun.objects.filter(pk=run_id).update(status=BulkStatus.DONE, finished_at=timezone.now())
    actor: User | str = bulk.actor or "bulk"
    audit.record(
        actor, AuditAction.UPDATE, bulk, changes={"action": bulk.action, "done": done, "failed": failed}
    )
    return done
