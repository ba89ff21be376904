"""Saved views of the main lists (save the current filters, open, share with a team, delete)
and bulk actions on a saved customer view's customers, with their progress."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartcrm.accounts.roles import Capability
from smartcrm.bulk.models import BulkRun
from smartcrm.bulk.services import start_bulk
from smartcrm.collaboration import columns as list_columns
from smartcrm.collaboration import saved_views
from smartcrm.collaboration.models import ListKind, SavedView
from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.teams.models import Team
from smartcrm.teams.selectors import get_team, team_member_ids
from smartcrm.web.access import capability_required, current_user, is_htmx, signed_in_required
from smartcrm.web.collaboration_forms import BulkForm, MoveColumnForm, SavedViewForm

IGNORED = ("page", "list", "columns")


def _known_columns(list_kind: str, request: HttpRequest) -> list[str]:
    """The list's columns in the query string (unknown ones dropped: the form checks what is
    posted)."""
    allowed = list_columns.keys(list_kind)
    return [key for key in request.GET.getlist("columns") if key in allowed]


def _teams_of(request: HttpRequest) -> list[tuple[int, str]]:
    ids = team_member_ids(current_user(request).pk)
    return list(Team.objects.filter(pk__in=ids).order_by("name").values_list("pk", "name"))


@signed_in_required
def view_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    rows = [(v, saved_views.list_url(v), view_columns(v)) for v in saved_views.visible_views(user)]
    context = {
        "rows": rows,
        "bulk_form": BulkForm(),
        "runs": BulkRun.objects.filter(actor=user).order_by("-pk")[:10],
    }
    return render(request, "web/collaboration/views.html", context)


@signed_in_required
def view_new(request: HttpRequest) -> HttpResponse:
    """GET: the form, with the list (customers when none is named) and filters from the query
    string; POST: save."""
    user = current_user(request)
    source = request.POST if request.method == "POST" else request.GET
    list_kind = source.get("list") or ListKind.CUSTOMERS
    if list_kind not in ListKind.values:
        raise Http404(_("No such list"))
    if not user.can(saved_views.capability_of_list(list_kind)):
        return render(
            request,
            "web/forbidden.html",
            {"capability": saved_views.capability_of_list(list_kind)},
            status=403,
        )
    filters = {k: v for k, v in request.GET.items() if k not in IGNORED and v}
    form = SavedViewForm(request.POST or None, teams=_teams_of(request), list_kind=list_kind)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            view = saved_views.save_view(
                owner=user, list_kind=list_kind, name=data["name"], filters=form.filter_values(),
                columns=data["columns"], team=get_team(data["team"]) if data["team"] else None,
            )  # fmt: skip
        except ServiceValidationError as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("View %(name)s saved.") % {"name": view.name})
            return redirect(saved_views.list_url(view))
    elif request.method != "POST":
        shown = [c.key for c in list_columns.shown(list_kind, _known_columns(list_kind, request))]
        form = SavedViewForm(
            teams=_teams_of(request),
            list_kind=list_kind,
            initial={"filters": filters, "columns": shown},
        )
    context = {"form": form, "list_kind": list_kind, "filters": filters or form.filters_or_empty()}
    return render(request, "web/collaboration/view_new.html", context, status=400 if form.errors else 200)


def view_columns(view: SavedView) -> list[list_columns.Column]:
    """The columns a view shows, in its order (the list's defaults when it chose none)."""
    return list_columns.shown(view.list_kind, view.columns)


@require_POST
@signed_in_required
def view_move_column(request: HttpRequest, view_id: int) -> HttpResponse:
    """Move a column of one's own view a place up or down. Works as a plain form post (back to
    the saved views); with htmx, only the view's column cell is sent back."""
    user = current_user(request)
    try:
        view = saved_views.get_own_view(user, view_id)
    except NotFoundError as exc:
        raise Http404(_("No such view of yours")) from exc
    form = MoveColumnForm(request.POST)
    error = ""
    if not form.is_valid():
        error = _("Choose a column and up or down.")
    else:
        try:
            saved_views.move_column(
                actor=user,
                view=view,
                column=form.cleaned_data["column"],
                direction=form.cleaned_data["direction"],
            )
        except ServiceValidationError as exc:
            error = " ".join(exc.errors.values())
    if is_htmx(request):
        context = {"view": view, "columns": view_columns(view), "error": error, "user": user}
        return render(request, "web/collaboration/_view_columns.html", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    return redirect("web:view_list")


@require_POST
@signed_in_required
def view_delete(request: HttpRequest, view_id: int) -> HttpResponse:
    user = current_user(request)
    try:
        view = saved_views.get_own_view(user, view_id)
    except NotFoundError as exc:
        raise Http404(_("No such view of yours")) from exc
    saved_views.delete_view(actor=user, view=view)
    messages.success(request, _("View deleted."))
    return redirect("web:view_list")


@require_POST
@capability_required(Capability.EDIT_CUSTOMERS)
def view_bulk(request: HttpRequest, view_id: int) -> HttpResponse:
    """Start a bulk action on everyone the customer view matches."""
    user = current_user(request)
    try:
        view = saved_views.get_visible_view(user, view_id)
    except NotFoundError as exc:
        raise Http404(_("No such view")) from exc
    form = BulkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an action and its value."))
        return redirect("web:view_list")
    try:
        run = start_bulk(
            actor=user, action=form.cleaned_data["action"], value=form.cleaned_data["value"], view=view
        )
    except ServiceValidationError as exc:
        for message in exc.errors.values():
            messages.error(request, message)
        return redirect("web:view_list")
    return redirect("web:bulk_run", run_id=run.pk)


@capability_required(Capability.VIEW_CUSTOMERS)
def bulk_run(request: HttpRequest, run_id: int) -> HttpResponse:
    """A bulk run's progress (the page polls itself with htmx until the run is over)."""
    run = BulkRun.objects.filter(pk=run_id, actor=current_user(request)).select_related("view").first()
    if run is None:
        raise Http404(_("No such bulk action of yours"))
    template = (
        "web/collaboration/_bulk_progress.html" if is_htmx(request) else "web/collaboration/bulk_run.html"
    )
    return render(request, template, {"run": run})
