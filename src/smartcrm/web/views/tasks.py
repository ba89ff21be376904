"""The task list: what is due for me (or everyone), overdue first; completing a task."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from smartcrm.accounts.roles import Capability
from smartcrm.activities.selectors import get_open_task, task_page
from smartcrm.activities.services import complete_task
from smartcrm.core.errors import NotFoundError
from smartcrm.web.access import capability_required, current_user, is_htmx
from smartcrm.web.task_forms import TaskFilterForm
from smartcrm.web.views.common import render_list


@capability_required(Capability.VIEW_CUSTOMERS)
def task_list(request: HttpRequest) -> HttpResponse:
    form = TaskFilterForm(request.GET)
    page = task_page(**form.selector_args(current_user(request).pk))
    return render_list(
        request, "web/tasks/list.html", "web/tasks/_results.html", {"form": form, "page": page}
    )


@require_POST
@capability_required(Capability.EDIT_CUSTOMERS)
def task_complete(request: HttpRequest, task_id: int) -> HttpResponse:
    try:
        task = get_open_task(task_id)
    except NotFoundError as exc:
        raise Http404("No such open task") from exc
    complete_task(actor=current_user(request), task=task)
    if is_htmx(request):
        return HttpResponse("")  # the row leaves the list
    return redirect("web:task_list")
