"""Writes of collaboration: notifications (mentions, changes on followed records), reading them,
the digest setting, following and hand-overs.

Notifications are rows written in the writer's transaction (a note rolled back notifies nobody);
a mention is therefore in the mentioned user's list, and in their unread count, as soon as the
request that wrote the note has answered.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcrm.accounts.models import User
from smartcrm.activities.models import ActivityKind
from smartcrm.activities.services import log_activity
from smartcrm.collaboration import targets
from smartcrm.collaboration.mentions import mentioned_users
from smartcrm.collaboration.models import (
    DigestFrequency,
    Follow,
    Handover,
    HandoverKind,
    Notification,
    NotificationKind,
    NotificationSettings,
)
from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import ServiceValidationError
from smartcrm.customers.models import Customer
from smartcrm.support.models import Ticket
from smartcrm.teams.models import Team

MAX_HANDOVER_NOTE = 5_000


def notify(
    *, recipients: Iterable[User], kind: NotificationKind, target: Any, actor: User | None, detail: str = ""
) -> list[Notification]:
    """One notification per recipient who may see ``target`` (never the actor themself)."""
    target_kind = targets.kind_of(target)
    rows = [
        Notification(
            recipient=user,
            kind=kind,
            actor=actor,
            target_kind=target_kind,
            target_id=target.pk,
            target_label=targets.label(target),
            detail=detail[:200],
        )
        for user in {u.pk: u for u in recipients}.values()
        if (actor is None or user.pk != actor.pk) and targets.may_see(user, target_kind)
    ]
    return Notification.objects.bulk_create(rows)


def notify_mentions(*, text: str, target: Any, author: User | None) -> list[Notification]:
    """Notify the staff ``@named`` in ``text`` written on ``target``."""
    users = mentioned_users(text)
    if not users:
        return []
    return notify(recipients=users, kind=NotificationKind.MENTION, target=target, actor=author)


def notify_followers(*, target: Any, actor: User | None, detail: str) -> list[Notification]:
    """Tell the followers of ``target`` that it changed (``detail``: what happened)."""
    kind = targets.kind_of(target)
    followers = User.objects.filter(follows__target_kind=kind, follows__target_id=target.pk, is_active=True)
    return notify(
        recipients=followers, kind=NotificationKind.FOLLOWED_CHANGE, target=target, actor=actor, detail=detail
    )


def notify_sla_breach(*, ticket: Ticket, kind: str) -> list[Notification]:
    """Tell the ticket's assignee and its team's lead that it missed its ``kind`` target."""
    lead = ticket.team.lead if ticket.team is not None else None
    recipients = [u for u in (ticket.assignee, lead) if u is not None and u.is_active]
    return notify(
        recipients=recipients, kind=NotificationKind.SLA_BREACH, target=ticket, actor=None, detail=kind
    )


def mark_read(*, user: User, notification_ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when no ids are given)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


def set_digest(*, user: User, digest: str) -> NotificationSettings:
    if digest not in DigestFrequency.values:
        raise ServiceValidationError(
            {"digest": _("Must be one of: %(choices)s.") % {"choices": ", ".join(DigestFrequency.values)}}
        )
    row, _created = NotificationSettings.objects.update_or_create(user=user, defaults={"digest": digest})
    return row


@transaction.atomic
def follow(*, user: User, target: Any) -> bool:
    """True when ``user`` now follows ``target``; False when they already did."""
    _row, created = Follow.objects.get_or_create(
        user=user, target_kind=targets.kind_of(target), target_id=target.pk
    )
    return created


@transaction.atomic
def unfollow(*, user: User, target: Any) -> bool:
    deleted, _count = Follow.objects.filter(
        user=user, target_kind=targets.kind_of(target), target_id=target.pk
    ).delete()
    return bool(deleted)


@transaction.atomic
def hand_over(*, actor: Actor, customer: Customer, to_team: Team, kind: str, note: str) -> Handover:
    """Pass ``customer`` to ``to_team`` with a note: the team owns them now, the timeline shows
    it, and the team's members are notified."""
    note = note.strip()
    errors: dict[str, str] = {}
    if not note:
        errors["note"] = _("Say what the receiving team should know.")
    elif len(note) > MAX_HANDOVER_NOTE:
        errors["note"] = _("At most %(n)s characters.") % {"n": f"{MAX_HANDOVER_NOTE:,}"}
    if kind not in HandoverKind.values:
        errors["kind"] = _("Must be one of: %(choices)s.") % {"choices": ", ".join(HandoverKind.values)}
    if customer.owner_team_id == to_team.pk:
        errors["to_team"] = _("The customer is with this team already.")
    if errors:
        raise ServiceValidationError(errors)
    user = audit.user_of(actor)
    handover = Handover.objects.create(
        customer=customer,
        from_team_id=customer.owner_team_id,
        to_team=to_team,
        kind=kind,
        note=note,
        actor=user,
    )
    customer.owner_team = to_team
    customer.save(update_fields=["owner_team", "updated_at"])
    log_activity(
        customer=customer,
        kind=ActivityKind.NOTE,
        actor=actor,
        obj=handover,
        summary=_("Handed over to %(team)s (%(kind)s): %(note)s")
        % {"team": to_team.name, "kind": HandoverKind(kind).label, "note": note},
    )
    audit.record(actor, AuditAction.CREATE, handover, changes={"to_team": to_team.pk, "kind": kind})
    receivers = list(to_team.members.filter(is_active=True))
    if to_team.lead is not None:
        receivers.append(to_team.lead)
    notify(recipients=receivers, kind=NotificationKind.HANDOVER, target=customer, actor=user, detail=kind)
    notify_mentions(text=note, target=customer, author=user)
    return handover
