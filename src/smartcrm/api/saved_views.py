"""Saved views of the main lists: the caller's own and those shared with their teams."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from smartcrm.api.auth import require, require_user, signed_in
from smartcrm.api.errors import CREATE_ERRORS, ONE_ERRORS, READ_ERRORS, WRITE_ERRORS
from smartcrm.api.schemas import Id, Text50, Text100, referenced
from smartcrm.collaboration import saved_views
from smartcrm.collaboration.models import ListKind, SavedView
from smartcrm.teams.selectors import get_team

router = Router(tags=["saved views"])


class ViewOut(Schema):
    id: int
    list_kind: str
    name: str
    filters: dict[str, str]
    columns: list[str]
    owner: str
    team_id: int | None
    url: str = Field(description="The list in the web UI with these filters")
    updated_at: datetime

    @staticmethod
    def resolve_owner(obj: SavedView) -> str:
        return obj.owner.get_username()

    @staticmethod
    def resolve_url(obj: SavedView) -> str:
        return saved_views.list_url(obj)


class ViewQuery(Schema):
    list_kind: ListKind | None = None


class ViewIn(Schema):
    list_kind: ListKind
    name: Text100
    filters: dict[str, Any] = Field(default_factory=dict, description="The list's query-string fields")
    columns: list[Text50] = Field(default_factory=list, max_length=20)
    team_id: Id | None = Field(None, description="Share with this team (one you are in)")


@router.get("", response={200: list[ViewOut], **READ_ERRORS}, summary="List my and my teams' saved views")
@signed_in
def list_views(request: HttpRequest, query: Query[ViewQuery]) -> list[SavedView]:
    """Only views of lists the caller's role may read."""
    return list(saved_views.visible_views(require_user(request), query.list_kind))


@router.post("", response={201: ViewOut, **CREATE_ERRORS}, summary="Save a view")
@signed_in
def create_view(request: HttpRequest, payload: ViewIn) -> Status:
    """The caller's role must read the list (``view_customers`` for customers…)."""
    user = require(request, saved_views.capability_of_list(payload.list_kind))
    team = referenced(get_team, payload.team_id, "team_id") if payload.team_id else None
    view = saved_views.save_view(
        owner=user, list_kind=payload.list_kind, name=payload.name, filters=payload.filters,
        columns=payload.columns, team=team,
    )  # fmt: skip
    return Status(201, view)


@router.put("/{view_id}", response={200: ViewOut, **WRITE_ERRORS}, summary="Change one of my saved views")
@signed_in
def update_view(request: HttpRequest, view_id: Id, payload: ViewIn) -> SavedView:
    user = require(request, saved_views.capability_of_list(payload.list_kind))
    view = saved_views.get_own_view(user, view_id)
    team = referenced(get_team, payload.team_id, "team_id") if payload.team_id else None
    return saved_views.save_view(
        owner=user, list_kind=payload.list_kind, name=payload.name, filters=payload.filters,
        columns=payload.columns, team=team, view=view,
    )  # fmt: skip


@router.delete("/{view_id}", response={204: None, **ONE_ERRORS}, summary="Delete one of my saved views")
@signed_in
def delete_view(request: HttpRequest, view_id: Id) -> Status:
    user = require_user(request)
    saved_views.delete_view(actor=user, view=saved_views.get_own_view(user, view_id))
    return Status(204, None)
