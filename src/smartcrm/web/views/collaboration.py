"""The notification centre, following a record, and handing a customer over to another team."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartcrm.accounts.roles import Capability
from smartcrm.collaboration import selectors, services, targets
from smartcrm.collaboration.models import Notification
from smartcrm.collaboration.wording import describe
from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.core.pagination import page_number
from smartcrm.customers.selectors import get_customer
from smartcrm.teams.selectors import get_team
from smartcrm.web.access import capability_per, capability_required, current_user, signed_in_required
from smartcrm.web.collaboration_forms import DigestForm, HandoverForm


@signed_in_required
def notification_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    unread_only = request.GET.get("unread") == "1"
    page = selectors.notification_page(
        user, page=page_number(request.GET.get("page")), unread_only=unread_only
    )
    rows = [(n, describe(n), targets.url(n.target_kind, n.target_id)) for n in page.items]
    context = {
        "page": page,
        "rows": rows,
        "unread_only": unread_only,
        "digest_form": DigestForm(initial={"digest": selectors.digest_of(user)}),
    }
    return render(request, "web/collaboration/notifications.html", context)


@require_POST
@signed_in_required
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one of the caller's notifications read and go to its record."""
    user = current_user(request)
    notification = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if notification is None:
        raise Http404(_("No such notification"))
    services.mark_read(user=user, notification_ids=[notification.pk])
    return redirect(targets.url(notification.target_kind, notification.target_id))


@require_POST
@signed_in_required
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_read(user=current_user(request))
    messages.success(request, _("%(n)s notifications marked read.") % {"n": count})
    return redirect("web:notification_list")


@require_POST
@signed_in_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    form = DigestForm(request.POST)
    if form.is_valid():
        services.set_digest(user=current_user(request), digest=form.cleaned_data["digest"])
        messages.success(request, _("Email digest setting saved."))
    else:
        messages.error(request, _("Choose how often to get the email digest."))
    return redirect("web:notification_list")


@require_POST
@capability_per("kind", targets.capability_of)
def follow_toggle(request: HttpRequest, kind: str, target_id: int) -> HttpResponse:
    """Follow the record, or stop following it when the caller already does."""
    user = current_user(request)
    try:
        target = targets.get_target(kind, target_id)
    except NotFoundError as exc:
        raise Http404(_("No such record")) from exc
    if services.unfollow(user=user, target=target):
        messages.success(request, _("You no longer follow this."))
    else:
        services.follow(user=user, target=target)
        messages.success(request, _("You follow this now: changes will be in your notifications."))
    return redirect(targets.url(kind, target_id))


@require_POST
@capability_required(Capability.EDIT_CUSTOMERS)
def customer_handover(request: HttpRequest, customer_id: int) -> HttpResponse:
    try:
        customer = get_customer(customer_id)
    except NotFoundError as exc:
        raise Http404(_("No such customer")) from exc
    form = HandoverForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            team = get_team(data["to_team"])
            services.hand_over(
                actor=current_user(request),
                customer=customer,
                to_team=team,
                kind=data["kind"],
                note=data["note"],
            )
        except NotFoundError:
            messages.error(request, _("Choose a team."))
        except ServiceValidationError as exc:
            for message in exc.errors.values():
                messages.error(request, message)
        else:
            messages.success(request, _("Handed over to %(team)s.") % {"team": team.name})
    else:
        messages.error(request, _("Choose a team and write a note."))
    return redirect("web:customer_detail", customer_id=customer.pk)


@capability_per("kind", targets.capability_of)
def record_panel(request: HttpRequest, kind: str, target_id: int) -> HttpResponse:
    """Followers and the follow button of a record, and for a customer its hand-overs and the
    hand-over form (loaded by htmx into the customer 360 and the ticket page)."""
    user = current_user(request)
    try:
        panel = selectors.record_panel(user, kind, target_id)
    except NotFoundError as exc:
        raise Http404(_("No such record")) from exc
    context = {
        "panel": panel,
        "handover_form": HandoverForm(),
        "can_hand_over": user.can(Capability.EDIT_CUSTOMERS),
    }
    return render(request, "web/collaboration/_panel.html", context)
