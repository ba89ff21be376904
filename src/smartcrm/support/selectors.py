"""Reads of the support inbox and ticket threads."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from smartcrm.accounts.models import User
from smartcrm.accounts.roles import CAPABILITIES, Capability
from smartcrm.core.errors import NotFoundError
from smartcrm.core.pagination import Page, paginate
from smartcrm.support.models import (
    BusinessCalendar,
    DueTimeRecompute,
    RecomputeState,
    SLABreach,
    SLAPolicy,
    Ticket,
    TicketMessage,
    TicketStatus,
)

OPEN_STATUSES = (TicketStatus.OPEN, TicketStatus.PENDING)
ANY_STATUS = "all"


def created_between(start: date | None, end: date | None) -> Q:
    """Tickets created from ``start`` to ``end``, both days included (in the shop's time zone)."""
    scope = Q()
    if start is not None:
        scope &= Q(created_at__date__gte=start)
    if end is not None:
        scope &= Q(created_at__date__lte=end)
    return scope


def breached() -> Exists:
    """The ticket missed one of its SLA targets."""
    return Exists(SLABreach.objects.filter(ticket=OuterRef("pk")))


def inbox(
    *,
    status: str = "",
    priority: str = "",
    assignee_id: int | None = None,
    customer_id: int | None = None,
    search: str = "",
    sla_breached: bool = False,
    created_from: date | None = None,
    created_to: date | None = None,
) -> QuerySet[Ticket]:
    """Tickets most urgent first, then the longest-waiting; open and pending by default
    (``status="all"``: every status); each says whether it missed an SLA target."""
    queryset = (
        Ticket.objects.select_related("customer", "assignee", "team")
        .only(
            "id",
            "subject",
            "status",
            "priority",
            "priority_rank",
            "channel",
            "language",
            "created_at",
            "last_message_at",
            "customer_id",
            "customer__name",
            "assignee_id",
            "assignee__username",
            "team_id",
            "team__name",
            "order_id",
            "first_response_due_at",
            "resolution_due_at",
        )
        .annotate(sla_breached=breached())
    )
    if status != ANY_STATUS:
        queryset = queryset.filter(status=status) if status else queryset.filter(status__in=OPEN_STATUSES)
    if sla_breached:
        queryset = queryset.filter(sla_breached=True)
    if created_from is not None or created_to is not None:
        queryset = queryset.filter(created_between(created_from, created_to))
    if priority:
        queryset = queryset.filter(priority=priority)
    if assignee_id is not None:
        queryset = queryset.filter(assignee_id=assignee_id)
    if customer_id is not None:
        queryset = queryset.filter(customer_id=customer_id)
    if search:
        # The subject, or words read from the ticket's attachments (OCR, transcripts, text files;
        # ``attachments.Attachment.ticket``, named by its reverse relation).
        in_files = Ticket.objects.filter(attachments__text__icontains=search).values("pk")
        queryset = queryset.filter(Q(subject__icontains=search) | Q(pk__in=in_files))
    return queryset.order_by("priority_rank", "last_message_at", "id")


def inbox_page(*, page: int = 1, size: int = 50, **filters: object) -> Page[Ticket]:
    return paginate(inbox(**filters), number=page, size=size)  # type: ignore[arg-type]


def get_ticket_thread(ticket_id: int) -> Ticket:
    ticket = (
        Ticket.objects.select_related("customer", "order", "assignee")
        .prefetch_related(
            Prefetch("messages", queryset=TicketMessage.objects.select_related("author")),
            Prefetch("sla_breaches", queryset=SLABreach.objects.order_by("due_at")),
        )
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None:
        raise NotFoundError(f"ticket {ticket_id}")
    return ticket


def ticket_agents() -> list[User]:
    """Active staff whose role may answer tickets: who a ticket can be assigned to."""
    roles = [role.value for role, caps in CAPABILITIES.items() if Capability.REPLY_TICKETS in caps]
    users = User.objects.filter(Q(role__in=roles) | Q(is_superuser=True), is_active=True).order_by("username")
    return list(users.only("id", "username"))


def sla_policies() -> list[SLAPolicy]:
    return list(SLAPolicy.objects.select_related("calendar"))


def business_calendars() -> list[BusinessCalendar]:
    """The calendars with the names of the policies that use them (``policy_names``)."""
    calendars = list(BusinessCalendar.objects.prefetch_related("policies"))
    for calendar in calendars:
        calendar.policy_names = [p.name for p in calendar.policies.all()]  # type: ignore[attr-defined]
    return calendars


def get_business_calendar(calendar_id: int) -> BusinessCalendar:
    calendar = BusinessCalendar.objects.filter(pk=calendar_id).first()
    if calendar is None:
        raise NotFoundError(f"business calendar {calendar_id}")
    return calendar


def get_policy(policy_id: int) -> SLAPolicy:
    policy = SLAPolicy.objects.filter(pk=policy_id).first()
    if policy is None:
        raise NotFoundError(f"SLA policy {policy_id}")
    return policy


PENDING_RECOMPUTE = (RecomputeState.QUEUED, RecomputeState.RUNNING)


def recompute_pending() -> bool:
    """A policy or a calendar changed and the open tickets' due times are not recomputed yet."""
    return DueTimeRecompute.objects.filter(state__in=PENDING_RECOMPUTE).exists()


def latest_recompute() -> DueTimeRecompute | None:
    """The newest recompute of the due times: the one the SLA page shows."""
    return DueTimeRecompute.objects.order_by("-pk").first()


def get_recompute(run_id: int) -> DueTimeRecompute:
    run = DueTimeRecompute.objects.filter(pk=run_id).first()
    if run is None:
        raise NotFoundError(f"due-time recompute {run_id}")
    return run
