"""Support tickets and their message threads."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartcrm.customers.models import Customer
from smartcrm.engine.business_hours import WorkCalendar
from smartcrm.orders.models import Order


class TicketStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PENDING = "pending", _("Waiting on customer")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


PRIORITY_RANK = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}


class TicketChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Chat")
    PHONE = "phone", _("Phone")
    WEB = "web", _("Web form")


class Ticket(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="tickets")
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets")
    subject = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=TicketStatus.choices, default=TicketStatus.OPEN)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    priority_rank = models.PositiveSmallIntegerField(default=PRIORITY_RANK[Priority.NORMAL], editable=False)
    channel = models.CharField(max_length=10, choices=TicketChannel.choices, default=TicketChannel.EMAIL)
    language = models.CharField(max_length=10, default="en")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    last_message_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    # When the ticket was last solved or closed (cleared when the customer re-opens it).
    solved_at = models.DateTimeField(null=True, blank=True)
    # The SLA policy's targets from ``created_at`` (support/sla.py); empty: no policy applies.
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "priority_rank", "-last_message_at"], name="ticket_inbox_idx"),
            models.Index(fields=["customer", "-created_at"], name="ticket_customer_idx"),
        ]

    def __str__(self) -> str:
        return self.subject

    def save(self, *args: object, **kwargs: object) -> None:
        self.priority_rank = PRIORITY_RANK[Priority(self.priority)]
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class AuthorKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    AGENT = "agent", _("Agent")
    SYSTEM = "system", _("System")


class TicketMessage(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(max_length=10, choices=AuthorKind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    body = models.TextField()
    is_internal = models.BooleanField(default=False, help_text="An internal note, not sent")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="message_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.author_kind}: {self.body[:40]}"


class BusinessCalendar(models.Model):
    """Opening hours for SLA targets: the intervals of each weekday (local wall-clock minutes),
    a time zone and the holiday dates (closed all day). Shop-wide and named; each SLA policy
    chooses one or none (around the clock). The arithmetic is :mod:`smartcrm.engine.business_hours`.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64)
    # Seven lists (Monday first) of [start, end] minutes after midnight, sorted, not overlapping.
    weekly_hours = models.JSONField(_("opening hours"), default=list)
    # ISO dates ("2026-12-25"), sorted.
    holidays = models.JSONField(_("holidays"), default=list, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def work_calendar(self) -> WorkCalendar:
        return WorkCalendar(
            self.time_zone,
            tuple(tuple((int(s), int(e)) for s, e in day) for day in self.weekly_hours),
            frozenset(date.fromisoformat(d) for d in self.holidays),
        )


class SLAPolicy(models.Model):
    """Targets for tickets of one priority and/or channel, in hours from the ticket's creation:
    opening hours of the policy's business calendar, or wall-clock hours (nights and weekends
    count) without one. An empty priority or channel matches any; the most specific policy wins
    (priority and channel, then priority, then channel, then the default)."""

    name = models.CharField(_("name"), max_length=100)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=TicketChannel.choices, blank=True)
    first_response_hours = models.DecimalField(
        _("first response within (hours)"), max_digits=6, decimal_places=2
    )
    resolution_hours = models.DecimalField(_("resolution within (hours)"), max_digits=6, decimal_places=2)
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("business hours"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="policies",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["priority", "channel"], name="sla_policy_one_per_scope"),
        ]
        ordering = ["priority", "channel", "id"]

    def __str__(self) -> str:
        return self.name


class BreachKind(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    RESOLUTION = "resolution", _("Resolution")


class SLABreach(models.Model):
    """A ticket that missed one of its targets: at most one row per ticket and kind, so the
    periodic check can run again (or twice at once) without alerting twice."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_breaches")
    kind = models.CharField(max_length=20, choices=BreachKind.choices)
    due_at = models.DateTimeField()
    detected_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "kind"], name="sla_breach_once_per_kind")]
        indexes = [models.Index(fields=["-due_at"], name="sla_breach_due_idx")]

    def __str__(self) -> str:
        return f"{self.kind} breach of ticket {self.ticket_id}"


class RecomputeState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    SUPERSEDED = "superseded", _("Superseded by a newer change")


class DueTimeRecompute(models.Model):
    """One background recompute of the open tickets' due times after a policy or a calendar
    changed (support/recompute.py). The newest row is the one that counts: a change while one is
    queued or running requests another, and the older one stops at its next batch."""

    state = models.CharField(max_length=12, choices=RecomputeState.choices, default=RecomputeState.QUEUED)
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)  # open tickets when it started
    done = models.PositiveIntegerField(default=0)  # of them looked at
    changed = models.PositiveIntegerField(default=0)  # of them whose due times moved
    attempts = models.PositiveSmallIntegerField(default=0)  # sent again by the stale-run sweeper
    error = models.CharField(max_length=300, blank=True)
    worker = models.CharField(max_length=120, blank=True, help_text="host:pid of the process running it")
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Its worker's last sign of life (core/heartbeat.py)"
    )

    class Meta:
        indexes = [models.Index(fields=["state"], name="sla_recompute_state_idx")]

    def __str__(self) -> str:
        return f"due-time recompute {self.pk} ({self.state})"

    @property
    def percent(self) -> int:
        return 100 if self.state == RecomputeState.DONE else int(100 * self.done / max(self.total, 1))
