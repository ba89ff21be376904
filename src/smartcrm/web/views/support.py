"""The support inbox, a ticket's thread, replying and changing a ticket."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartcrm.accounts.roles import Capability
from smartcrm.assistant.agent_assist import assist_for_ticket, insert_suggestion
from smartcrm.attachments.flows import reply_with_file
from smartcrm.attachments.selectors import of_ticket
from smartcrm.collaboration.models import ListKind
from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.support.models import Ticket
from smartcrm.support.selectors import get_ticket_thread, inbox_page, recompute_pending, ticket_agents
from smartcrm.support.services import update_ticket
from smartcrm.web.access import capability_required, current_user
from smartcrm.web.forms import InboxFilterForm, ReplyForm, TicketUpdateForm, add_service_errors
from smartcrm.web.views.common import render_list


@capability_required(Capability.VIEW_TICKETS)
def ticket_inbox(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET)
    page = inbox_page(**form.selector_args(current_user(request).pk))
    return render_list(
        request,
        "web/inbox/list.html",
        "web/inbox/_results.html",
        {"form": form, "page": page},
        list_kind=ListKind.TICKETS,
    )


def _thread_or_404(ticket_id: int) -> Ticket:
    try:
        return get_ticket_thread(ticket_id)
    except NotFoundError as exc:
        raise Http404("No such ticket") from exc


def _render_thread(
    request: HttpRequest,
    ticket: Ticket,
    *,
    reply_form: ReplyForm | None = None,
    update_form: TicketUpdateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_reply = current_user(request).can(Capability.REPLY_TICKETS)
    agents = [(u.pk, u.username) for u in ticket_agents()] if can_reply else []
    initial = {"status": ticket.status, "priority": ticket.priority, "assignee": ticket.assignee_id}
    assist = assist_for_ticket(ticket) if can_reply else None
    files = of_ticket(ticket.pk)
    if reply_form is None:
        suggestion = assist.suggestion if assist else None
        inserting = suggestion is not None and request.GET.get("insert") == str(suggestion.pk)
        reply_form = ReplyForm(initial={"body": suggestion.body} if suggestion and inserting else None)
    context = {
        "ticket": ticket,
        "thread": [(m, files.get(m.pk, [])) for m in ticket.messages.all()],
        "reply_form": reply_form,
        "update_form": update_form or TicketUpdateForm(initial=initial, agents=agents),
        "assist": assist,
        "sla_recomputing": recompute_pending(),
    }
    return render(request, "web/inbox/detail.html", context, status=status)


@capability_required(Capability.VIEW_TICKETS)
def ticket_detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    return _render_thread(request, _thread_or_404(ticket_id))


@require_POST
@capability_required(Capability.REPLY_TICKETS)
def ticket_reply(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = _thread_or_404(ticket_id)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            message = reply_with_file(
                actor=current_user(request),
                ticket=ticket,
                body=form.cleaned_data["body"],
                internal=form.cleaned_data["internal"],
                status=form.cleaned_data["status"] or None,
                upload=form.cleaned_data["file"],
            )
        except ServiceValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Internal note added.") if message.is_internal else _("Reply sent."))
            url = reverse("web:ticket_detail", kwargs={"ticket_id": ticket.pk})
            return redirect(f"{url}#message-{message.pk}")
    return _render_thread(request, ticket, reply_form=form, status=400)


@require_POST
@capability_required(Capability.REPLY_TICKETS)
def ticket_update(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = _thread_or_404(ticket_id)
    agents = ticket_agents()
    form = TicketUpdateForm(request.POST, agents=[(u.pk, u.username) for u in agents])
    if form.is_valid():
        data = form.cleaned_data
        assignee = next((u for u in agents if u.pk == data["assignee"]), None)
        try:
            changes = update_ticket(
                actor=current_user(request),
                ticket=ticket,
                status=data["status"],
                priority=data["priority"],
                assignee=assignee,
            )
        except ServiceValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Ticket updated.") if changes else _("Nothing changed."))
            return redirect("web:ticket_detail", ticket_id=ticket.pk)
    return _render_thread(request, ticket, update_form=form, status=400)


@require_POST
@capability_required(Capability.REPLY_TICKETS)
def ticket_insert_suggestion(request: HttpRequest, ticket_id: int, suggestion_id: int) -> HttpResponse:
    """Put the assistant's suggested reply into the reply box (and count that it was used)."""
    ticket = _thread_or_404(ticket_id)
    try:
        suggestion = insert_suggestion(ticket=ticket, suggestion_id=suggestion_id)
    except NotFoundError as exc:
        raise Http404("No such suggestion") from exc
    url = reverse("web:ticket_detail", kwargs={"ticket_id": ticket.pk})
    return redirect(f"{url}?insert={suggestion.pk}#reply")
