"""The "customer enters a saved view" trigger: who is in each watched view is kept
(``ViewMember``), and a customer found in it who was not there at the last look has entered.

Membership is compared on a periodic pass over each view an enabled workflow listens for
(``smartcrm.automation.view_entries``, every few minutes: an order or a score can move a
customer into a view without any write to the customer) and at once for one customer when the
customer is created or changed. Each comparison runs in one transaction with the view's watch
row locked, so two passes never both see an entry; the event id carries the membership row's
``entered_at``, so a run is started once per entry — a customer who leaves and comes back
enters again, and fires again. A view's first pass is a baseline that fires nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from smartcrm.automation.context import customer_values
from smartcrm.automation.models import ViewMember, ViewWatch
from smartcrm.automation.services import fire, listening
from smartcrm.campaigns.audience import apply_filter, view_filter
from smartcrm.collaboration.models import ListKind, SavedView
from smartcrm.customers.models import Customer

log = logging.getLogger(__name__)
PREFIX = "view:"


def watched_view_ids() -> list[int]:
    """The saved views an enabled workflow listens for."""
    keys = (key.removeprefix(PREFIX) for key in listening() if key.startswith(PREFIX))
    return sorted(int(key) for key in keys if key.isdigit())


def _reconcile(view: SavedView, now: datetime, customer_id: int | None) -> int:
    """Compare the view's members (or one customer's membership) with the rows kept; record
    entries and departures; start the workflows of those who entered. Returns how many runs."""
    _watch, baseline = ViewWatch.objects.select_for_update().get_or_create(view=view, defaults={"since": now})
    if baseline:
        customer_id = None  # the baseline is the whole view, not one customer
    members = apply_filter(Customer.objects.filter(erased_at__isnull=True), view_filter(view))
    kept = ViewMember.objects.filter(view=view)
    if customer_id is not None:
        members, kept = members.filter(pk=customer_id), kept.filter(customer_id=customer_id)
    now_in = set(members.values_list("pk", flat=True).distinct())
    before = set(kept.values_list("customer_id", flat=True))
    kept.filter(customer_id__in=before - now_in).delete()
    entered = sorted(now_in - before)
    ViewMember.objects.bulk_create(
        [ViewMember(view=view, customer_id=pk, entered_at=now) for pk in entered], batch_size=5000
    )
    if baseline:
        return 0
    started = 0
    for pk in entered:
        context = customer_values(pk) | {"event": "view.entered", "view.id": view.pk}
        started += len(
            fire(
                f"{PREFIX}{view.pk}",
                event="view.entered",
                event_id=f"view:{view.pk}:{pk}:{now.isoformat()}",
                context=context,
                customer_id=pk,
                occurred_at=now,
            )
        )
    return started


def _views(view_ids: list[int]) -> list[SavedView]:
    return list(SavedView.objects.filter(pk__in=view_ids, list_kind=ListKind.CUSTOMERS).order_by("pk"))


def check_all(now: datetime | None = None) -> int:
    """The periodic pass: every watched view, each in its own transaction (one failing view is
    logged and the others still checked). Returns how many runs were started."""
    now = now or timezone.now()
    started = 0
    for view in _views(watched_view_ids()):
        try:
            with transaction.atomic():
                started += _reconcile(view, now, None)
        except Exception:
            log.exception("saved view %s: membership pass failed", view.pk)
    return started


def check_customer(customer_id: int, now: datetime | None = None) -> int:
    """One customer was created or changed: their entries into (and departures from) the
    watched views, inside the writer's transaction."""
    view_ids = watched_view_ids()
    if not view_ids:
        return 0
    now = now or timezone.now()
    return sum(_reconcile(view, now, customer_id) for view in _views(view_ids))
