"""Bulk actions on a selection of customers — explicit ids, a saved customer view, or everyone the
customer list's filters match ("select all matching") — with progress. A view or filters travel
as such: the worker resolves them, in chunks, when the run starts."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Router, Schema
from ninja.responses import Status

from smartcrm.accounts.roles import Capability
from smartcrm.api.auth import needs, require_user
from smartcrm.api.customers import CustomerFilterIn
from smartcrm.api.errors import CREATE_ERRORS, ONE_ERRORS
from smartcrm.api.schemas import Id, Text100
from smartcrm.bulk.models import BulkAction, BulkRun
from smartcrm.bulk.services import MAX_IDS, start_bulk
from smartcrm.collaboration.saved_views import get_visible_view
from smartcrm.core.errors import NotFoundError, ServiceValidationError

router = Router(tags=["bulk actions"])


class BulkIn(Schema):
    action: BulkAction
    value: Text100 = Field(description="The tag, or the id of the owner, team or campaign")
    view_id: Id | None = Field(None, description="Everyone a saved customer view matches")
    customer_ids: list[Id] | None = Field(None, max_length=MAX_IDS, description="Or these customers")
    filters: CustomerFilterIn | None = Field(
        None,
        description=(
            "Or everyone the customer list's filters match (the fields of `GET /customers`; `{}`: "
            "every customer), resolved when the run starts. Send exactly one of view_id, "
            "customer_ids and filters."
        ),
    )


class BulkOut(Schema):
    id: int
    action: str
    value: str
    view_id: int | None
    selection: Literal["ids", "view", "filters"] = Field(description="What the run acts on")
    status: str
    total: int
    done: int
    failed: int
    percent: int
    error: str
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_selection(obj: BulkRun) -> str:
        return "view" if obj.view_id is not None else "filters" if obj.filters else "ids"

    @staticmethod
    def resolve_error(obj: BulkRun) -> str:
        """Stored untranslated by the worker; in the caller's language here."""
        return gettext(obj.error) if obj.error else ""


@router.post("", response={201: BulkOut, **CREATE_ERRORS}, summary="Start a bulk action")
@needs(Capability.EDIT_CUSTOMERS)
def create_bulk(request: HttpRequest, payload: BulkIn) -> Status:
    """Runs in the background (the ``bulk`` queue); poll ``GET /bulk-actions/{id}`` for progress
    (``total`` is counted when a view or filters selection starts running). Adding to a campaign
    also needs ``manage_campaigns``; what the caller may do and see is checked again then."""
    user = require_user(request)
    view = None
    if payload.view_id is not None:
        try:
            view = get_visible_view(user, payload.view_id)
        except NotFoundError as exc:
            raise ServiceValidationError({"view_id": str(exc)}) from exc
    run = start_bulk(
        actor=user,
        action=payload.action,
        value=payload.value,
        view=view,
        customer_ids=payload.customer_ids,
        filters=payload.filters.filters(user) if payload.filters is not None else None,
    )
    return Status(201, BulkRun.objects.get(pk=run.pk))


@router.get("/{bulk_id}", response={200: BulkOut, **ONE_ERRORS}, summary="A bulk action's progress")
@needs(Capability.EDIT_CUSTOMERS)
def get_bulk(request: HttpRequest, bulk_id: Id) -> BulkRun:
    """Only the caller's own bulk actions."""
    run = BulkRun.objects.filter(pk=bulk_id, actor=require_user(request)).first()
    if run is None:
        raise NotFoundError(f"bulk action {bulk_id}")
    return run
