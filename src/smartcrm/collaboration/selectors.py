"""Reads of collaboration: a user's notifications and unread count, followers, hand-overs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from smartcrm.accounts.models import User
from smartcrm.collaboration import targets
from smartcrm.collaboration.models import (
    DigestFrequency,
    Follow,
    Handover,
    Notification,
    NotificationSettings,
    TargetKind,
)
from smartcrm.core.pagination import Page, paginate
from smartcrm.teams.models import Team


def notifications(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(recipient=user).select_related("actor")
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-id")


def notification_page(
    user: User, *, page: int = 1, size: int = 50, unread_only: bool = False
) -> Page[Notification]:
    return paginate(notifications(user, unread_only=unread_only), number=page, size=size)


def unread_count(user: User) -> int:
    """One indexed COUNT (notification_inbox_idx), for the badge on every page."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def digest_of(user: User) -> str:
    row = NotificationSettings.objects.filter(user=user).values_list("digest", flat=True).first()
    return row or DigestFrequency.DAILY


def is_following(user: User, kind: str, target_id: int) -> bool:
    return Follow.objects.filter(user=user, target_kind=kind, target_id=target_id).exists()


def followers(kind: str, target_id: int) -> list[str]:
    rows = Follow.objects.filter(target_kind=kind, target_id=target_id).select_related("user")
    return sorted(f.user.get_username() for f in rows)


def handovers(customer_id: int) -> QuerySet[Handover]:
    return (
        Handover.objects.filter(customer_id=customer_id)
        .select_related("from_team", "to_team", "actor")
        .order_by("-created_at")
    )


@dataclass
class RecordPanel:
    kind: str
    target: Any
    following: bool
    followers: list[str]
    handovers: list[Handover]
    teams: list[Team]


def record_panel(user: User, kind: str, target_id: int) -> RecordPanel:
    """What the follow and hand-over panel of a record shows (NotFoundError for no record)."""
    target = targets.get_target(kind, target_id)
    is_customer = kind == TargetKind.CUSTOMER
    return RecordPanel(
        kind=kind,
        target=target,
        following=is_following(user, kind, target_id),
        followers=followers(kind, target_id),
        handovers=list(handovers(target_id)[:20]) if is_customer else [],
        teams=list(Team.objects.order_by("name")) if is_customer else [],
    )
