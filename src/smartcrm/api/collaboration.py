"""The caller's notifications and digest setting, following records, and hand-overs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from smartcrm.accounts.roles import Capability
from smartcrm.api.auth import needs, needs_per, require_user, signed_in
from smartcrm.api.errors import AUTH_ERRORS, CREATE_ERRORS, ONE_ERRORS, READ_ERRORS, WRITE_ERRORS
from smartcrm.api.schemas import Id, LongText, PageMeta, PageQuery, page_response, referenced
from smartcrm.collaboration import selectors, services, targets
from smartcrm.collaboration.models import DigestFrequency, Handover, HandoverKind, Notification, TargetKind
from smartcrm.collaboration.wording import describe
from smartcrm.customers.selectors import get_customer
from smartcrm.teams.selectors import get_team

notifications_router = Router(tags=["notifications"])
follows_router = Router(tags=["follows"])
handovers_router = Router(tags=["customers"])


class NotificationOut(Schema):
    id: int
    kind: str
    text: str = Field(description="What happened, in the caller's language")
    actor: str | None
    target_kind: str
    target_id: int
    target_label: str
    url: str = Field(description="The record's page in the web UI")
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_text(obj: Notification) -> str:
        return describe(obj)

    @staticmethod
    def resolve_actor(obj: Notification) -> str | None:
        return obj.actor.get_username() if obj.actor else None

    @staticmethod
    def resolve_url(obj: Notification) -> str:
        return targets.url(obj.target_kind, obj.target_id)


class NotificationPage(PageMeta):
    items: list[NotificationOut]


class NotificationQuery(PageQuery):
    unread: bool = Field(False, description="Only the unread ones")


class UnreadOut(Schema):
    unread: int


class ReadIn(Schema):
    ids: list[Id] | None = Field(None, max_length=500, description="Omitted or null: every unread one")


class ReadOut(Schema):
    marked: int


class DigestIn(Schema):
    digest: DigestFrequency


class DigestOut(Schema):
    digest: str


class FollowIn(Schema):
    kind: TargetKind
    id: Id


class FollowOut(Schema):
    kind: str
    id: int
    following: bool
    followers: list[str]


class HandoverIn(Schema):
    to_team_id: Id
    kind: HandoverKind = HandoverKind.OTHER
    note: LongText


class HandoverOut(Schema):
    id: int
    customer_id: int
    from_team_id: int | None
    to_team_id: int
    kind: str
    note: str
    created_at: datetime


@notifications_router.get(
    "", response={200: NotificationPage, **READ_ERRORS}, summary="List my notifications"
)
@signed_in
def list_notifications(request: HttpRequest, query: Query[NotificationQuery]) -> dict[str, Any]:
    """The caller's own notifications, newest first."""
    page = selectors.notification_page(
        require_user(request), page=query.page, size=query.page_size, unread_only=query.unread
    )
    return page_response(page)


@notifications_router.get(
    "/unread-count", response={200: UnreadOut, **AUTH_ERRORS}, summary="My unread count"
)
@signed_in
def unread(request: HttpRequest) -> dict[str, int]:
    return {"unread": selectors.unread_count(require_user(request))}


@notifications_router.post(
    "/read", response={200: ReadOut, **CREATE_ERRORS}, summary="Mark notifications read"
)
@signed_in
def mark_read(request: HttpRequest, payload: ReadIn) -> dict[str, int]:
    """Only the caller's own notifications are touched; other ids are ignored."""
    return {"marked": services.mark_read(user=require_user(request), notification_ids=payload.ids)}


@notifications_router.get("/settings", response={200: DigestOut, **AUTH_ERRORS}, summary="My digest setting")
@signed_in
def get_settings(request: HttpRequest) -> dict[str, str]:
    return {"digest": selectors.digest_of(require_user(request))}


@notifications_router.put("/settings", response={200: DigestOut, **CREATE_ERRORS}, summary="Set my digest")
@signed_in
def put_settings(request: HttpRequest, payload: DigestIn) -> dict[str, str]:
    row = services.set_digest(user=require_user(request), digest=payload.digest)
    return {"digest": row.digest}


def _follow_state(request: HttpRequest, kind: str, target_id: int) -> dict[str, Any]:
    user = require_user(request)
    return {
        "kind": kind,
        "id": target_id,
        "following": selectors.is_following(user, kind, target_id),
        "followers": selectors.followers(kind, target_id),
    }


@follows_router.get(
    "/{kind}/{target_id}", response={200: FollowOut, **ONE_ERRORS}, summary="A record's followers"
)
@needs_per("kind", targets.capability_of)
def get_follow(request: HttpRequest, kind: TargetKind, target_id: Id) -> dict[str, Any]:
    targets.get_target(kind, target_id)
    return _follow_state(request, kind, target_id)


@follows_router.put(
    "/{kind}/{target_id}", response={200: FollowOut, **WRITE_ERRORS}, summary="Follow a record"
)
@needs_per("kind", targets.capability_of)
def follow(request: HttpRequest, kind: TargetKind, target_id: Id) -> dict[str, Any]:
    """Idempotent: following twice is one follow."""
    services.follow(user=require_user(request), target=targets.get_target(kind, target_id))
    return _follow_state(request, kind, target_id)


@follows_router.delete(
    "/{kind}/{target_id}", response={200: FollowOut, **ONE_ERRORS}, summary="Unfollow a record"
)
@needs_per("kind", targets.capability_of)
def unfollow(request: HttpRequest, kind: TargetKind, target_id: Id) -> dict[str, Any]:
    services.unfollow(user=require_user(request), target=targets.get_target(kind, target_id))
    return _follow_state(request, kind, target_id)


@handovers_router.post(
    "/{customer_id}/handovers",
    response={201: HandoverOut, **WRITE_ERRORS},
    summary="Hand a customer over to a team",
)
@needs(Capability.EDIT_CUSTOMERS)
def hand_over(request: HttpRequest, customer_id: Id, payload: HandoverIn) -> Status:
    """The receiving team owns the customer; the timeline shows the note; the team is notified."""
    handover = services.hand_over(
        actor=require_user(request),
        customer=get_customer(customer_id),
        to_team=referenced(get_team, payload.to_team_id, "to_team_id"),
        kind=payload.kind,
        note=payload.note,
    )
    return Status(201, handover)


@handovers_router.get(
    "/{customer_id}/handovers",
    response={200: list[HandoverOut], **ONE_ERRORS},
    summary="A customer's hand-overs",
)
@needs(Capability.VIEW_CUSTOMERS)
def list_handovers(request: HttpRequest, customer_id: Id) -> list[Handover]:
    get_customer(customer_id)
    return list(selectors.handovers(customer_id))
