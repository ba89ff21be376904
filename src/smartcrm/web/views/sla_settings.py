"""The settings pages of the SLA policies and of the monthly sales targets (team leads)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartcrm.accounts.roles import Capability
from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.pipeline.selectors import recent_targets
from smartcrm.pipeline.services import set_sales_target
from smartcrm.support.models import BusinessCalendar, SLAPolicy
from smartcrm.support.selectors import (
    business_calendars,
    get_business_calendar,
    get_policy,
    latest_recompute,
    sla_policies,
)
from smartcrm.support.sla import delete_calendar, delete_policy, retry_recompute, save_calendar, save_policy
from smartcrm.web.access import capability_required, current_user
from smartcrm.web.forms import add_service_errors
from smartcrm.web.sla_forms import BusinessCalendarForm, SalesTargetForm, SLAPolicyForm


def _policy_or_404(policy_id: int) -> SLAPolicy:
    try:
        return get_policy(policy_id)
    except NotFoundError as exc:
        raise Http404("No such policy") from exc


def _save(request: HttpRequest, form: SLAPolicyForm, policy: SLAPolicy | None) -> bool:
    if not form.is_valid():
        return False
    try:
        save_policy(actor=current_user(request), values=form.cleaned_data, policy=policy)
    except ServiceValidationError as exc:
        add_service_errors(form, exc)
        return False
    messages.success(request, _("SLA policy saved; the open tickets' due times are being recomputed."))
    return True


@capability_required(Capability.MANAGE_TEAMS)
def sla_policy_list(request: HttpRequest) -> HttpResponse:
    form = SLAPolicyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and _save(request, form, None):
        return redirect("web:sla_policies")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "web/sla/policies.html",
        {
            "policies": sla_policies(),
            "calendars": business_calendars(),
            "recompute": latest_recompute(),
            "form": form,
        },
        status=status,
    )


@capability_required(Capability.MANAGE_TEAMS)
def sla_policy_edit(request: HttpRequest, policy_id: int) -> HttpResponse:
    policy = _policy_or_404(policy_id)
    if request.method == "POST":
        form = SLAPolicyForm(request.POST)
        if _save(request, form, policy):
            return redirect("web:sla_policies")
    else:
        form = SLAPolicyForm(
            initial={
                "name": policy.name,
                "priority": policy.priority,
                "channel": policy.channel,
                "first_response_hours": policy.first_response_hours,
                "resolution_hours": policy.resolution_hours,
                "calendar": policy.calendar_id,
            }
        )
    status = 400 if form.is_bound else 200
    return render(request, "web/sla/policy_edit.html", {"policy": policy, "form": form}, status=status)


@require_POST
@capability_required(Capability.MANAGE_TEAMS)
def sla_policy_delete(request: HttpRequest, policy_id: int) -> HttpResponse:
    delete_policy(actor=current_user(request), policy=_policy_or_404(policy_id))
    messages.success(request, _("SLA policy removed."))
    return redirect("web:sla_policies")


@capability_required(Capability.MANAGE_TEAMS)
def sla_recompute(request: HttpRequest) -> HttpResponse:
    """The latest recompute of the due times (the SLA page polls it while it runs)."""
    return render(request, "web/sla/_recompute.html", {"recompute": latest_recompute()})


@require_POST
@capability_required(Capability.MANAGE_TEAMS)
def sla_recompute_retry(request: HttpRequest) -> HttpResponse:
    try:
        retry_recompute()
    except ServiceValidationError as exc:
        for message in exc.errors.values():
            messages.error(request, message)
    else:
        messages.success(request, _("The open tickets' due times are being recomputed."))
    return redirect("web:sla_policies")


def _calendar_or_404(calendar_id: int) -> BusinessCalendar:
    try:
        return get_business_calendar(calendar_id)
    except NotFoundError as exc:
        raise Http404("No such calendar") from exc


def _calendar_page(
    request: HttpRequest, form: BusinessCalendarForm, calendar: BusinessCalendar | None
) -> HttpResponse:
    if form.is_bound and form.is_valid():
        try:
            save_calendar(actor=current_user(request), values=form.service_values(), calendar=calendar)
        except ServiceValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Business hours saved; the open tickets' due times follow them."))
            return redirect("web:sla_policies")
    status = 400 if form.is_bound else 200
    return render(request, "web/sla/calendar_edit.html", {"calendar": calendar, "form": form}, status=status)


@capability_required(Capability.MANAGE_TEAMS)
def sla_calendar_new(request: HttpRequest) -> HttpResponse:
    return _calendar_page(
        request, BusinessCalendarForm(request.POST if request.method == "POST" else None), None
    )


@capability_required(Capability.MANAGE_TEAMS)
def sla_calendar_edit(request: HttpRequest, calendar_id: int) -> HttpResponse:
    calendar = _calendar_or_404(calendar_id)
    if request.method == "POST":
        form = BusinessCalendarForm(request.POST)
    else:
        form = BusinessCalendarForm(initial=BusinessCalendarForm.initial_for(calendar))
    return _calendar_page(request, form, calendar)


@require_POST
@capability_required(Capability.MANAGE_TEAMS)
def sla_calendar_delete(request: HttpRequest, calendar_id: int) -> HttpResponse:
    try:
        delete_calendar(actor=current_user(request), calendar=_calendar_or_404(calendar_id))
    except ServiceValidationError as exc:
        for message in exc.errors.values():
            messages.error(request, message)
    else:
        messages.success(request, _("Business hours removed."))
    return redirect("web:sla_policies")


@capability_required(Capability.MANAGE_TEAMS)
def sales_targets(request: HttpRequest) -> HttpResponse:
    form = SalesTargetForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            set_sales_target(
                actor=current_user(request),
                month=form.cleaned_data["month"],
                amount=form.cleaned_data["amount"],
            )
        except ServiceValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Sales target saved."))
            return redirect("web:sales_targets")
    status = 400 if form.is_bound else 200
    return render(
        request, "web/sla/sales_targets.html", {"targets": recent_targets(), "form": form}, status=status
    )
