"""Duplicates: the review queue (pairs side by side with the evidence), merge history with undo."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartcrm.accounts.roles import Capability
from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.core.pagination import page_number
from smartcrm.customers.models import Customer
from smartcrm.customers.services import ContactView, contact_for_viewer
from smartcrm.dedup import selectors, services
from smartcrm.dedup.selectors import PairView
from smartcrm.web.access import capability_required, current_user

PAGE_SIZE = 10
FIELD_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email",
    "phone": "Phone",
    "address": "Street address",
    "place": "City / postcode",
}


@dataclass(frozen=True)
class Side:
    customer: Customer
    contact: ContactView


@dataclass(frozen=True)
class ReviewCard:
    view: PairView
    left: Side | None
    right: Side | None
    evidence: list[tuple[str, str, float]]


def _card(user: Any, view: PairView) -> ReviewCard:
    def side(customer: Customer | None) -> Side | None:
        return Side(customer, contact_for_viewer(user=user, customer=customer)) if customer else None

    evidence = [
        (FIELD_LABELS.get(field, field), str(e.get("level", "")), float(e.get("weight", 0.0)))
        for field, e in view.pair.evidence.items()
    ]
    return ReviewCard(view, side(view.left), side(view.right), evidence)


@capability_required(Capability.MERGE_CUSTOMERS)
def duplicate_queue(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    page = selectors.review_queue(page=page_number(request.GET.get("page")), size=PAGE_SIZE)
    return render(
        request,
        "web/dedup/queue.html",
        {
            "page": page,
            "cards": [_card(user, v) for v in page.items],
            "run": selectors.latest_run(),
            "pending": selectors.pending_count(),
        },
    )


def _decided(request: HttpRequest, action: Any, success: str) -> HttpResponse:
    try:
        action()
    except NotFoundError:
        messages.error(request, _("That pair or merge no longer exists."))
    except ServiceValidationError as exc:
        for message in exc.errors.values():
            messages.error(request, message)
    else:
        messages.success(request, success)
    # Only known pages: a redirect target taken from the form would be an open redirect.
    return redirect("web:merge_history" if request.POST.get("next") == "history" else "web:duplicates")


@require_POST
@capability_required(Capability.MERGE_CUSTOMERS)
def duplicate_merge(request: HttpRequest, pair_id: int) -> HttpResponse:
    raw = request.POST.get("survivor_id", "")
    survivor = int(raw) if raw.isdigit() else None
    user = current_user(request)
    return _decided(
        request,
        lambda: services.merge_pair(actor=user, pair_id=pair_id, survivor_id=survivor),
        "Merged. You can undo it from the merge history.",
    )


@require_POST
@capability_required(Capability.MERGE_CUSTOMERS)
def duplicate_reject(request: HttpRequest, pair_id: int) -> HttpResponse:
    user = current_user(request)
    return _decided(
        request,
        lambda: services.reject_pair(actor=user, pair_id=pair_id),
        "Marked as two different customers.",
    )


@require_POST
@capability_required(Capability.MERGE_CUSTOMERS)
def duplicate_run(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    auto = request.POST.get("auto_merge") == "1"
    return _decided(
        request,
        lambda: services.request_run(actor=user, auto_merge=auto),
        "The search for duplicates has started; new pairs appear here when it is done.",
    )


@capability_required(Capability.MERGE_CUSTOMERS)
def merge_history(request: HttpRequest) -> HttpResponse:
    page = selectors.merge_history(page=page_number(request.GET.get("page")), size=25)
    return render(request, "web/dedup/history.html", {"page": page})


@require_POST
@capability_required(Capability.MERGE_CUSTOMERS)
def merge_undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    user = current_user(request)
    return _decided(
        request,
        lambda: services.undo_merge(actor=user, merge_id=merge_id),
        "Merge undone: the customer is back with their orders and history.",
    )
