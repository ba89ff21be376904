"""Reads of tasks: the task list a person works through, overdue first."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from smartcrm.activities.models import Task, TaskStatus
from smartcrm.core.errors import NotFoundError
from smartcrm.core.pagination import Page, paginate

WHEN_CHOICES = ("all", "overdue", "today", "week", "later")


def _end_of_today() -> datetime:
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return start + timedelta(days=1)


def open_tasks(*, assignee_id: int | None = None, when: str = "all", q: str = "") -> QuerySet[Task]:
    """Open tasks, overdue first, then by due time (no due time last); ``assignee_id`` narrows to
    one person's. ``when`` is one of :data:`WHEN_CHOICES`."""
    tasks = Task.objects.filter(status=TaskStatus.OPEN).select_related("customer", "deal", "assignee")
    if assignee_id is not None:
        tasks = tasks.filter(assignee_id=assignee_id)
    now, today_ends = timezone.now(), _end_of_today()
    if when == "overdue":
        tasks = tasks.filter(due_at__lt=now)
    elif when == "today":
        tasks = tasks.filter(due_at__gte=now, due_at__lt=today_ends)
    elif when == "week":
        tasks = tasks.filter(due_at__gte=now, due_at__lt=today_ends + timedelta(days=6))
    elif when == "later":
        tasks = tasks.filter(Q(due_at__gte=today_ends + timedelta(days=6)) | Q(due_at__isnull=True))
    if q:
        tasks = tasks.filter(title__icontains=q)
    return tasks.order_by(F("due_at").asc(nulls_last=True), "pk")


def task_page(*, page: int = 1, size: int = 50, **filters: object) -> Page[Task]:
    return paginate(open_tasks(**filters), number=page, size=size)  # type: ignore[arg-type]


def get_open_task(task_id: int) -> Task:
    task = Task.objects.filter(pk=task_id, status=TaskStatus.OPEN).first()
    if task is None:
        raise NotFoundError(f"open task {task_id}")
    return task
