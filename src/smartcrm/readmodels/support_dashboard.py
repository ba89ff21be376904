"""The support dashboard's figures: the backlog, first-response and resolution times, SLA
breaches, and the sentiment of the customers' tickets week by week.

Times are averaged over the tickets created in the period (the last 30 days by default) that
have had a first reply or were solved; each figure is the count or average of an inbox filter
(:func:`smartcrm.support.selectors.inbox`), so a click on it lists its tickets. When an SLA
policy counts business hours, the two times are also given in the hours each ticket's policy
counts (opening hours of its calendar, wall-clock hours under a 24/7 policy), the figure its
targets are measured in; breaches come from the due times, which follow the calendars already.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncWeek

from smartcrm.engine.business_hours import business_hours_between
from smartcrm.support.models import Priority, SLAPolicy, Ticket
from smartcrm.support.selectors import OPEN_STATUSES, breached, created_between
from smartcrm.support.sla import policy_for, work_calendar
from smartcrm.textanalysis.models import SourceKind, TextAnalysis

PERIOD_DAYS = 30
SENTIMENT_WEEKS = 12


@dataclass(frozen=True)
class PriorityFigure:
    priority: str
    label: str
    tickets: int


@dataclass(frozen=True)
class SentimentWeek:
    start: date  # a Monday
    texts: int
    negative: int

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    @property
    def negative_share(self) -> float:
        return self.negative / self.texts if self.texts else 0.0


@dataclass(frozen=True)
class SupportDashboard:
    start: date  # the period, both days included
    end: date
    backlog: int  # open and waiting tickets
    backlog_by_priority: list[PriorityFigure]
    breached_open: int  # open and waiting tickets that missed a target
    created: int  # tickets created in the period
    breached_created: int  # … of which missed a target
    responded: int  # … of which have had a first reply
    first_response_hours: float | None
    resolved: int  # … of which are solved or closed
    resolution_hours: float | None
    sentiment: list[SentimentWeek]  # oldest first
    # The same two averages in SLA hours (None: no policy has business hours).
    first_response_business_hours: float | None = None
    resolution_business_hours: float | None = None


def _hours(duration: timedelta | None) -> float | None:
    return None if duration is None else round(duration.total_seconds() / 3600, 1)


def _since(start_field: str, end_field: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(end_field) - F(start_field), output_field=DurationField())


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def sla_hours(in_period: Q) -> tuple[float | None, float | None] | None:
    """Average first-response and resolution times of the tickets in ``in_period``, in the hours
    their SLA policies count; None when no policy has business hours (then they are the
    wall-clock figures). Two queries, and the opening-hours arithmetic per ticket."""
    policies = list(SLAPolicy.objects.select_related("calendar"))
    if not any(p.calendar_id for p in policies):
        return None
    calendars = {p.pk: work_calendar(p) for p in policies}
    first: list[float] = []
    resolution: list[float] = []
    rows = (
        Ticket.objects.filter(in_period)
        .filter(Q(first_response_at__isnull=False) | Q(solved_at__isnull=False))
        .values_list("priority", "channel", "created_at", "first_response_at", "solved_at")
    )
    for priority, channel, created, responded, solved in rows.iterator(chunk_size=2000):
        policy = policy_for(priority, channel, policies)
        calendar = None if policy is None else calendars[policy.pk]
        if responded is not None:
            first.append(business_hours_between(created, responded, calendar))
        if solved is not None:
            resolution.append(business_hours_between(created, solved, calendar))
    return _mean(first), _mean(resolution)


def support_dashboard(today: date, *, days: int = PERIOD_DAYS) -> SupportDashboard:
    """Figures for the ``days`` up to ``today`` (three queries; two more with business hours)."""
    start = today - timedelta(days=days - 1)
    is_open = Q(status__in=OPEN_STATUSES)
    in_period = created_between(start, today)
    by_priority = {
        row["priority"]: row["n"]
        for row in Ticket.objects.filter(is_open).values("priority").annotate(n=Count("id")).order_by()
    }
    totals = Ticket.objects.annotate(sla_breached=breached()).aggregate(
        breached_open=Count("id", filter=is_open & Q(sla_breached=True)),
        created=Count("id", filter=in_period),
        breached_created=Count("id", filter=in_period & Q(sla_breached=True)),
        responded=Count("id", filter=in_period & Q(first_response_at__isnull=False)),
        first_response=Avg(
            _since("created_at", "first_response_at"), filter=in_period & Q(first_response_at__isnull=False)
        ),
        resolved=Count("id", filter=in_period & Q(solved_at__isnull=False)),
        resolution=Avg(_since("created_at", "solved_at"), filter=in_period & Q(solved_at__isnull=False)),
    )
    business = sla_hours(in_period)
    return SupportDashboard(
        start=start,
        end=today,
        backlog=sum(by_priority.values()),
        backlog_by_priority=[
            PriorityFigure(p.value, str(p.label), by_priority.get(p.value, 0)) for p in Priority
        ],
        breached_open=totals["breached_open"],
        created=totals["created"],
        breached_created=totals["breached_created"],
        responded=totals["responded"],
        first_response_hours=_hours(totals["first_response"]),
        resolved=totals["resolved"],
        resolution_hours=_hours(totals["resolution"]),
        sentiment=ticket_sentiment_weeks(today),
        first_response_business_hours=None if business is None else business[0],
        resolution_business_hours=None if business is None else business[1],
    )


def ticket_sentiment_weeks(today: date, *, weeks: int = SENTIMENT_WEEKS) -> list[SentimentWeek]:
    """Analysed tickets per week (Monday to Sunday, the last ``weeks`` up to ``today``'s) and how
    many of them read negative."""
    first = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    rows = (
        TextAnalysis.objects.filter(source_kind=SourceKind.TICKET, text_created_at__date__gte=first)
        .annotate(week=TruncWeek("text_created_at"))
        .values("week")
        .annotate(texts=Count("id"), negative=Count("id", filter=Q(sentiment="negative")))
        .order_by()
    )
    by_week = {(r["week"].date() if hasattr(r["week"], "date") else r["week"]): r for r in rows}
    result = []
    for i in range(weeks):
        week = first + timedelta(weeks=i)
        row = by_week.get(week, {})
        result.append(SentimentWeek(week, row.get("texts", 0), row.get("negative", 0)))
    return result
