"""Customers: the searchable list and the 360 view with its notes and tasks."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from smartcrm.accounts.masking import may_view_pii
from smartcrm.accounts.roles import Capability
from smartcrm.activities.services import complete_task, create_task
from smartcrm.attachments.flows import note_with_file
from smartcrm.bulk.services import actions_for
from smartcrm.collaboration.models import ListKind
from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.customers.models import Channel, Customer
from smartcrm.customers.selectors import get_customer, get_customer_task
from smartcrm.customers.services import contact_for_viewer, update_customer
from smartcrm.intelligence.next_action import next_best_action_for
from smartcrm.intelligence.selectors import likely_categories, segment_info
from smartcrm.readmodels.customer360 import customer_360
from smartcrm.readmodels.customer_list import customer_page
from smartcrm.web.access import capability_required, current_user, is_htmx
from smartcrm.web.forms import (
    CustomerDatesForm,
    CustomerFilterForm,
    NoteForm,
    TaskForm,
    add_service_errors,
)
from smartcrm.web.views.common import render_list

PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
@capability_required(Capability.VIEW_CUSTOMERS)
def customer_list(request: HttpRequest) -> HttpResponse:
    """GET carries the filters in the URL, to share and bookmark. A search by email or phone
    comes as POST instead (app.js switches it), so contact details stay out of URLs and logs."""
    private = request.method == "POST"
    form = CustomerFilterForm(request.POST if private else request.GET)
    filters = form.filters(contact_search=may_view_pii(current_user(request)))
    page = customer_page(filters, page=form.cleaned_data.get("page") or 1, size=PAGE_SIZE)
    response = render_list(
        request,
        "web/customers/list.html",
        "web/customers/_results.html",
        {
            "form": form,
            "page": page,
            "filtered": any(v for k, v in form.cleaned_data.items() if k != "sort"),
            "bulk_actions": actions_for(current_user(request)),
        },
        list_kind=ListKind.CUSTOMERS,
    )
    if private:
        response.headers["HX-Push-Url"] = "false"
    return response


@capability_required(Capability.VIEW_CUSTOMERS)
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    try:
        view = customer_360(customer_id)
    except NotFoundError as exc:
        raise Http404("No such customer") from exc
    contact = contact_for_viewer(user=current_user(request), customer=view.customer)
    consents = [(label, view.consents.get(value)) for value, label in Channel.choices]
    return render(
        request,
        "web/customers/detail.html",
        {
            "c": view,
            "customer": view.customer,
            "contact": contact,
            "consents": consents,
            "note_form": NoteForm(),
            "task_form": TaskForm(),
            "segment": segment_info(view.score.segment) if view.score else None,
            "likely_categories": likely_categories(view.score),
        },
    )


@capability_required(Capability.VIEW_CUSTOMERS)
def customer_next_action(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The next best action card, loaded by htmx into the 360 (its thresholds and checks cost a
    few queries the page itself should not wait for)."""
    try:
        nba = next_best_action_for(customer_id)
    except NotFoundError as exc:
        raise Http404("No such customer") from exc
    return render(request, "web/customers/_next_action.html", {"nba": nba})


def _customer_or_404(customer_id: int) -> Customer:
    try:
        return get_customer(customer_id)
    except NotFoundError as exc:
        raise Http404("No such customer") from exc


def _after_write(
    request: HttpRequest, customer: Customer, form: forms.Form, template: str, created: object
) -> HttpResponse:
    """htmx gets the form back (fresh, or with its errors and status 400) plus the new item;
    a browser without script goes back to the 360 page (post/redirect/get)."""
    if is_htmx(request):
        context = {"customer": customer, "form": form, "created": created}
        return render(request, template, context, status=400 if form.errors else 200)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return redirect("web:customer_detail", customer_id=customer.pk)


@require_POST
@capability_required(Capability.EDIT_CUSTOMERS)
def customer_set_dates(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The birthday (roles that see personal details only) and the renewal date."""
    customer = _customer_or_404(customer_id)
    form = CustomerDatesForm(request.POST)
    user = current_user(request)
    if not form.is_valid():
        messages.error(request, _("Dates as YYYY-MM-DD, please."))
        return redirect("web:customer_detail", customer_id=customer.pk)
    values = dict(form.cleaned_data)
    if not user.can(Capability.VIEW_PII):
        values.pop("birthday")
    try:
        changed = update_customer(actor=user, customer=customer, values=values)
    except ServiceValidationError as exc:
        messages.error(request, "; ".join(exc.errors.values()))
    else:
        messages.success(request, _("Dates saved.") if changed else _("Nothing changed."))
    return redirect("web:customer_detail", customer_id=customer.pk)


@require_POST
@capability_required(Capability.EDIT_CUSTOMERS)
def customer_add_note(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer_or_404(customer_id)
    form = NoteForm(request.POST, request.FILES)
    note = None
    if form.is_valid():
        try:
            note = note_with_file(
                actor=current_user(request),
                customer=customer,
                body=form.cleaned_data["body"],
                upload=form.cleaned_data["file"],
            )
        except ServiceValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = NoteForm()
    return _after_write(request, customer, form, "web/customers/_note_form.html", note)


@require_POST
@capability_required(Capability.EDIT_CUSTOMERS)
def customer_add_task(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer_or_404(customer_id)
    form = TaskForm(request.POST)
    task = None
    if form.is_valid():
        user = current_user(request)
        try:
            task = create_task(
                actor=user,
                title=form.cleaned_data["title"],
                customer=customer,
                assignee=user,
                due_at=form.due_at(),
            )
        except ServiceValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = TaskForm()
    return _after_write(request, customer, form, "web/customers/_task_form.html", task)


@require_POST
@capability_required(Capability.EDIT_CUSTOMERS)
def customer_complete_task(request: HttpRequest, customer_id: int, task_id: int) -> HttpResponse:
    try:
        task = get_customer_task(customer_id, task_id)
    except NotFoundError as exc:
        raise Http404("No such task") from exc
    complete_task(actor=current_user(request), task=task)
    if is_htmx(request):
        return HttpResponse("")  # the task leaves the open list
    return redirect("web:customer_detail", customer_id=customer_id)
