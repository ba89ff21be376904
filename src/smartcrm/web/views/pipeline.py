"""The B2B pipeline as a kanban board; moving a deal re-renders the board."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartcrm.accounts.roles import Capability
from smartcrm.core.errors import NotFoundError
from smartcrm.pipeline.selectors import get_deal, get_stage, pipeline_board
from smartcrm.pipeline.services import move_deal
from smartcrm.web.access import capability_required, current_user, is_htmx
from smartcrm.web.forms import MoveDealForm
from smartcrm.web.sla_forms import PipelineFilterForm


@capability_required(Capability.VIEW_PIPELINE)
def pipeline(request: HttpRequest) -> HttpResponse:
    """The board; the sales dashboard's links narrow it to a stage, a closing month or the deals at risk."""
    form = PipelineFilterForm(request.GET)
    args = form.selector_args()
    filtered = any(v for v in args.values())
    return render(
        request,
        "web/pipeline/board.html",
        {"columns": pipeline_board(**args), "filtered": filtered, "filters": args},
    )


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
    if is_htmx(request):
        return render(request, "web/pipeline/_board.html", {"columns": pipeline_board()})
    messages.success(request, _("Moved to %(stage)s.") % {"stage": stage.name})
    return redirect("web:pipeline")
