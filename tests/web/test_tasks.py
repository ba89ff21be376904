"""The task list: mine or everyone's, overdue first, filtered by when they are due; completing one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from smartcrm.accounts.roles import Role
from smartcrm.activities.models import Task, TaskStatus
from tests.web.conftest import Shop


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_my_open_tasks_overdue_first_and_filters(shop: Shop, make_user: Any) -> None:
    me, other = make_user(Role.SALES), make_user(Role.SALES, username="colleague")
    now = timezone.now()
    Task.objects.create(
        title="Send the quote", assignee=me, customer=shop.customer, due_at=now + timedelta(days=2)
    )
    Task.objects.create(
        title="Chase the invoice", assignee=me, deal=shop.deal, due_at=now - timedelta(days=1)
    )
    Task.objects.create(title="Someday maybe", assignee=me)
    Task.objects.create(title="Their call", assignee=other, due_at=now + timedelta(hours=1))
    Task.objects.create(title="Already done", assignee=me, status=TaskStatus.DONE)
    client = _client(me)

    page = client.get(reverse("web:task_list")).content.decode()
    assert page.index("Chase the invoice") < page.index("Send the quote") < page.index("Someday maybe")
    assert "Overdue" in page and shop.customer.name in page and shop.deal.title in page
    assert "Their call" not in page and "Already done" not in page

    page = client.get(reverse("web:task_list"), {"when": "overdue"}).content.decode()
    assert "Chase the invoice" in page and "Send the quote" not in page
    page = client.get(reverse("web:task_list"), {"when": "later"}).content.decode()
    assert "Someday maybe" in page and "Chase the invoice" not in page
    page = client.get(reverse("web:task_list"), {"everyone": "1", "q": "call"}).content.decode()
    assert "Their call" in page and "Send the quote" not in page


def test_completing_a_task_removes_it_and_needs_the_right_role(shop: Shop, make_user: Any) -> None:
    task = Task.objects.create(title="Call back", assignee=make_user(Role.SALES), customer=shop.customer)
    url = reverse("web:task_complete", args=[task.pk])
    assert _client(make_user(Role.ANALYST)).post(url).status_code == 403
    response = _client(make_user(Role.SUPPORT)).post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response.content == b""
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.completed_at is not None
    assert _client(make_user(Role.MANAGER)).post(url).status_code == 404  # no longer open
