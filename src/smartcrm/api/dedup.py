"""Duplicates: the review queue, merges and their undo, bulk runs, and the check of one customer.

Every operation needs ``merge_customers``. Pairs and merges carry customer ids, names and
places, never contact details: the evidence says how strongly each field agreed, not what it
held.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from smartcrm.accounts.roles import Capability
from smartcrm.api.auth import needs, require_user
from smartcrm.api.errors import CREATE_ERRORS, ONE_ERRORS, READ_ERRORS, WRITE_ERRORS
from smartcrm.api.schemas import Id, PageMeta, PageQuery, page_response
from smartcrm.core.pagination import Page
from smartcrm.customers.models import Customer
from smartcrm.dedup import quality, selectors, services
from smartcrm.dedup.models import DedupRun, Merge, PairState
from smartcrm.dedup.selectors import PairView

router = Router(tags=["duplicates"])

Group = Literal["name", "company_name", "email", "phone", "address"]
Side = Literal["survivor", "merged"]


class FieldEvidenceOut(Schema):
    level: str = Field(description="How the field compared, e.g. `same`, `close (typo)`, `missing`")
    weight: float = Field(description="Its contribution to the log-odds of a match")


class PartyOut(Schema):
    """One side of a pair (``null`` fields when the customer no longer exists)."""

    id: int
    name: str | None
    city: str | None
    country: str | None
    orders_count: int | None
    created_at: datetime | None


class PairOut(Schema):
    id: int
    probability: float
    state: PairState
    evidence: dict[str, FieldEvidenceOut]
    left: PartyOut
    right: PartyOut
    found_at: datetime
    decided_at: datetime | None


class PairPage(PageMeta):
    items: list[PairOut]


class PairQuery(PageQuery):
    state: PairState = PairState.PENDING


class MergeIn(Schema):
    survivor_id: int | None = Field(
        None, description="Which of the two survives (default: more orders, then older)"
    )
    choices: dict[Group, Side] = Field(
        default_factory=dict, description="Override the merge rules per field group: whose value to keep"
    )


class ChoiceOut(Schema):
    kept: Side
    rule: str


class MergeOut(Schema):
    id: int
    survivor_id: int
    merged_id: int
    pair_id: int | None
    choices: dict[str, ChoiceOut]
    moved: dict[str, int] = Field(description="Rows moved to the survivor, per table")
    automatic: bool
    state: str
    created_at: datetime
    actor: str
    undone_at: datetime | None


class MergePage(PageMeta):
    items: list[MergeOut]


class RunIn(Schema):
    auto_merge: bool = Field(False, description="Also merge the pairs above the auto-merge threshold")


class RunOut(Schema):
    id: int
    state: str
    stage: str
    percent: int
    auto_merge: bool
    customers: int
    candidates: int
    pairs_found: int
    auto_merged: int
    seconds: float
    started_at: datetime
    finished_at: datetime | None


class MatchOut(Schema):
    customer_id: int
    probability: float
    decision: Literal["auto_merge", "review"]
    evidence: dict[str, FieldEvidenceOut]


def _party(customer_id: int, customer: Customer | None) -> dict[str, Any]:
    if customer is None:
        return {"id": customer_id, "name": None, "city": None, "country": None, "orders_count": None,
                "created_at": None}  # fmt: skip
    return {
        "id": customer.pk,
        "name": customer.name,
        "city": customer.city,
        "country": customer.country,
        "orders_count": customer.orders_count,
        "created_at": customer.created_at,
    }


def _pair(view: PairView) -> dict[str, Any]:
    p = view.pair
    return {
        "id": p.pk,
        "probability": p.probability,
        "state": p.state,
        "evidence": p.evidence,
        "left": _party(p.left_id, view.left),
        "right": _party(p.right_id, view.right),
        "found_at": p.found_at,
        "decided_at": p.decided_at,
    }


def _merge(merge: Merge) -> dict[str, Any]:
    return {
        "id": merge.pk,
        "survivor_id": merge.survivor_id,
        "merged_id": merge.merged_id,
        "pair_id": merge.pair_id,
        "choices": merge.choices,
        "moved": {label: len(entry["ids"]) for label, entry in merge.moved.items()},
        "automatic": merge.automatic,
        "state": merge.state,
        "created_at": merge.created_at,
        "actor": merge.actor_label,
        "undone_at": merge.undone_at,
    }


def _run(run: DedupRun) -> dict[str, Any]:
    return {name: getattr(run, name) for name in RunOut.model_fields}


@router.get("", response={200: PairPage, **READ_ERRORS}, summary="List duplicate pairs")
@needs(Capability.MERGE_CUSTOMERS)
def list_pairs(request: HttpRequest, query: Query[PairQuery]) -> dict[str, Any]:
    """The review queue (pending pairs, most likely first), or the pairs in another state."""
    page = selectors.review_queue(page=query.page, size=query.page_size, state=query.state)
    return page_response(Page([_pair(v) for v in page.items], page.number, page.size, page.has_next))


@router.get("/merges", response={200: MergePage, **READ_ERRORS}, summary="List merges")
@needs(Capability.MERGE_CUSTOMERS)
def list_merges(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    page = selectors.merge_history(page=query.page, size=query.page_size)
    return page_response(Page([_merge(m) for m in page.items], page.number, page.size, page.has_next))


@router.post("/merges/{merge_id}/undo", response={200: MergeOut, **WRITE_ERRORS}, summary="Undo a merge")
@needs(Capability.MERGE_CUSTOMERS)
def undo_merge(request: HttpRequest, merge_id: Id) -> dict[str, Any]:
    """Restore the merged customer under its old id, with its rows, fields, consents and tags."""
    user = require_user(request)
    return _merge(services.undo_merge(actor=user, merge_id=merge_id))


@router.post("/runs", response={202: RunOut, **CREATE_ERRORS}, summary="Find duplicates in bulk")
@needs(Capability.MERGE_CUSTOMERS)
def start_run(request: HttpRequest, payload: RunIn) -> Status:
    """Queue a search of the whole customer table; poll ``GET /duplicates/runs/{id}`` for progress."""
    user = require_user(request)
    return Status(202, _run(services.request_run(actor=user, auto_merge=payload.auto_merge)))


@router.get("/runs/{run_id}", response={200: RunOut, **ONE_ERRORS}, summary="Get a de-duplication run")
@needs(Capability.MERGE_CUSTOMERS)
def get_run(request: HttpRequest, run_id: Id) -> dict[str, Any]:
    return _run(selectors.get_run(run_id))


@router.post(
    "/runs/{run_id}/resume", response={202: RunOut, **ONE_ERRORS}, summary="Resume an interrupted run"
)
@needs(Capability.MERGE_CUSTOMERS)
def resume_run(request: HttpRequest, run_id: Id) -> Status:
    """Run an interrupted (its worker died) or failed run again; decided pairs keep their decision."""
    user = require_user(request)
    return Status(202, _run(services.resume_run(actor=user, run_id=run_id)))


@router.get(
    "/matches/{customer_id}", response={200: list[MatchOut], **ONE_ERRORS}, summary="Check one customer"
)
@needs(Capability.MERGE_CUSTOMERS)
def matches_for(request: HttpRequest, customer_id: Id) -> list[dict[str, Any]]:
    """Customers that may be the same person as this one (the check imports run on each row)."""
    return [m.__dict__ for m in services.find_matches_for(customer_id)]


@router.get("/{pair_id}", response={200: PairOut, **ONE_ERRORS}, summary="Get a duplicate pair")
@needs(Capability.MERGE_CUSTOMERS)
def get_pair(request: HttpRequest, pair_id: Id) -> dict[str, Any]:
    return _pair(selectors.pair_view(pair_id))


@router.post("/{pair_id}/merge", response={200: MergeOut, **WRITE_ERRORS}, summary="Merge a pair")
@needs(Capability.MERGE_CUSTOMERS)
def merge_pair(request: HttpRequest, pair_id: Id, payload: MergeIn) -> dict[str, Any]:
    user = require_user(request)
    merge = services.merge_pair(
        actor=user,
        pair_id=pair_id,
        survivor_id=payload.survivor_id,
        choices={str(k): str(v) for k, v in payload.choices.items()},
    )
    return _merge(merge)


@router.post("/{pair_id}/reject", response={200: PairOut, **WRITE_ERRORS}, summary="Not a duplicate")
@needs(Capability.MERGE_CUSTOMERS)
def reject_pair(request: HttpRequest, pair_id: Id) -> dict[str, Any]:
    user = require_user(request)
    services.reject_pair(actor=user, pair_id=pair_id)
    return _pair(selectors.pair_view(pair_id))


# -- data quality ----------------------------------------------------------------------------------
quality_router = Router(tags=["data quality"])

FixName = Literal["lower_emails", "normalise_phones", "trim_names", "title_case_names"]


class ExampleOut(Schema):
    id: int
    value: str = Field(description="Contact details masked unless the role may view PII")


class IssueOut(Schema):
    table: str
    field: str
    check: str
    kind: Literal["missing", "invalid", "suspicious"]
    count: int
    share: float
    examples: list[ExampleOut]
    fix: str = Field(description="The bulk fix that repairs it, or empty")


class FixIn(Schema):
    preview: bool = Field(True, description="Only count the customers it would change (the default)")


class FixOut(Schema):
    fix: FixName
    preview: bool
    customers: int = Field(description="Customers it would change (preview) or changed")


@quality_router.get("", response={200: list[IssueOut], **READ_ERRORS}, summary="Data-quality report")
@needs(Capability.VIEW_CUSTOMERS)
def quality_report(request: HttpRequest) -> list[dict[str, Any]]:
    """Missing, invalid and suspicious values per field, with counts and examples."""
    user = require_user(request)
    return [issue.__dict__ for issue in quality.data_quality_report(user=user)]


@quality_router.post("/fixes/{fix}", response={200: FixOut, **WRITE_ERRORS}, summary="Preview or apply a fix")
@needs(Capability.MERGE_CUSTOMERS)
def quality_fix(request: HttpRequest, fix: FixName, payload: FixIn) -> dict[str, Any]:
    """With ``preview`` (the default) only count; otherwise apply it, audited per customer."""
    user = require_user(request)
    count = quality.preview_fix(fix) if payload.preview else quality.apply_fix(actor=user, name=fix)
    return {"fix": fix, "preview": payload.preview, "customers": count}
