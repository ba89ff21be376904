"""The B2B pipeline as a kanban board (moving a deal re-renders the board), and a new lead typed in
by hand."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartcrm.accounts.models import User
from smartcrm.accounts.roles import Capability
from smartcrm.collaboration.models import ListKind
from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.pipeline.selectors import get_deal, get_stage, pipeline_board
from smartcrm.pipeline.services import create_lead, move_deal
from smartcrm.teams.selectors import staff_choices
from smartcrm.web.access import capability_required, current_user, is_htmx
from smartcrm.web.forms import LeadForm, MoveDealForm, add_service_errors
from smartcrm.web.list_columns import column_context
from smartcrm.web.sla_forms import PipelineFilterForm


def _board_context(request: HttpRequest, query: QueryDict) -> dict[str, Any]:
    """The board filtered as ``query`` says (a saved deals view: ``owner_id``, ``stage_id``; the
    sales dashboard's links: a stage, a closing month or the deals at risk) with the card fields
    it chose (``columns``, as on the other lists)."""
    args = PipelineFilterForm(query).selector_args()
    fields = column_context(request, ListKind.DEALS, query)
    return {
        "columns": pipeline_board(**args),
        "filtered": bool(args["stage_id"] or args["closing"] or args["risky"]),
        "filters": args,
        "card_fields": fields["columns"],
        "column_keys": fields["column_keys"],
        "column_picker": fields["column_picker"],
        "column_error": fields["column_error"],
    }


@capability_required(Capability.VIEW_PIPELINE)
def pipeline(request: HttpRequest) -> HttpResponse:
    """The board; the sales dashboard's links narrow it to a stage, a closing month or the deals at risk."""
    context = _board_context(request, request.GET)
    return render(request, "web/pipeline/board.html", context, status=400 if context["column_error"] else 200)


@require_POST
@capability_required(Capability.EDIT_PIPELINE)
def pipeline_move(request: HttpRequest, deal_id: int) -> HttpResponse:
    form = MoveDealForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Choose a stage.", status=400)
    try:
        deal = get_deal(deal_id)
        stage = get_stage(form.cleaned_data["stage"])
    except NotFoundError as exc:
        raise Http404("No such deal or stage") from exc
    move_deal(actor=current_user(request), deal=deal, stage=stage)
    if is_htmx(request):  # the board as the page showed it (htmx names the page's address)
        shown = QueryDict(urlsplit(request.headers.get("HX-Current-URL", "")).query)
        return render(request, "web/pipeline/_board.html", _board_context(request, shown))
    messages.success(request, _("Moved to %(stage)s.") % {"stage": stage.name})
    return redirect("web:pipeline")


@capability_required(Capability.EDIT_PIPELINE)
def lead_new(request: HttpRequest) -> HttpResponse:
    """GET: the form; POST: create the lead (routed by the assignment rules for leads unless an
    owner is chosen) and go back to the pipeline, or show the form with its field errors."""
    form = LeadForm(request.POST or None, staff=staff_choices())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        owner = User.objects.filter(pk=data["owner"], is_active=True).first() if data["owner"] else None
        try:
            lead = create_lead(
                actor=current_user(request),
                company_name=data["company_name"],
                contact_name=data["contact_name"],
                email=data["email"],
                source=data["source"],
                owner=owner,
            )
        except ServiceValidationError as exc:
            add_service_errors(form, exc)
        else:
            lead.refresh_from_db(fields=["owner", "team"])
            if lead.owner is not None:
                messages.success(
                    request,
                    _("Lead %(company)s created for %(owner)s.")
                    % {"company": lead.company_name, "owner": lead.owner.get_username()},
                )
            else:
                messages.success(
                    request,
                    _("Lead %(company)s created; no assignment rule matched it, so it has no owner yet.")
                    % {"company": lead.company_name},
                )
            return redirect("web:pipeline")
    status = 400 if form.errors else 200
    return render(request, "web/pipeline/lead_new.html", {"form": form}, status=status)
