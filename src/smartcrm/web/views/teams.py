"""Teams: members and leads, the assignment rules, and the workload of every person and team."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartcrm.accounts.models import User
from smartcrm.accounts.roles import Capability
from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.teams import selectors, services
from smartcrm.teams.models import Team
from smartcrm.web.access import capability_required, current_user
from smartcrm.web.forms import add_service_errors
from smartcrm.web.team_forms import MemberForm, RuleForm, TeamForm


def _team_or_404(team_id: int) -> Team:
    try:
        return selectors.get_team(team_id)
    except NotFoundError as exc:
        raise Http404(_("No such team")) from exc


def _render_teams(request: HttpRequest, form: TeamForm | None = None, status: int = 200) -> HttpResponse:
    users = selectors.staff_choices()
    context = {
        "teams": selectors.all_teams(),
        "form": form or TeamForm(users=users),
        "member_form": MemberForm(users=users),
    }
    return render(request, "web/teams/list.html", context, status=status)


@capability_required(Capability.MANAGE_TEAMS)
def team_list(request: HttpRequest) -> HttpResponse:
    return _render_teams(request)


@require_POST
@capability_required(Capability.MANAGE_TEAMS)
def team_create(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST, users=selectors.staff_choices())
    if form.is_valid():
        data = form.cleaned_data
        lead = User.objects.filter(pk=data["lead"], is_active=True).first() if data["lead"] else None
        try:
            team = services.create_team(
                actor=current_user(request), name=data["name"], kind=data["kind"], lead=lead
            )
        except ServiceValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Team %(name)s created.") % {"name": team.name})
            return redirect("web:team_list")
    return _render_teams(request, form, status=400)


@require_POST
@capability_required(Capability.MANAGE_TEAMS)
def team_member_add(request: HttpRequest, team_id: int) -> HttpResponse:
    team = _team_or_404(team_id)
    form = MemberForm(request.POST, users=selectors.staff_choices())
    if not form.is_valid():
        messages.error(request, _("Choose a staff member."))
        return redirect("web:team_list")
    user = User.objects.get(pk=form.cleaned_data["user"])
    actor = current_user(request)
    services.add_member(actor=actor, team=team, user=user)
    if form.cleaned_data["lead"]:
        services.set_lead(actor=actor, team=team, lead=user)
    messages.success(request, _("%(user)s is in %(team)s.") % {"user": user.username, "team": team.name})
    return redirect("web:team_list")


@require_POST
@capability_required(Capability.MANAGE_TEAMS)
def team_member_remove(request: HttpRequest, team_id: int, user_id: int) -> HttpResponse:
    team = _team_or_404(team_id)
    user = User.objects.filter(pk=user_id).first()
    if user is None or not services.remove_member(actor=current_user(request), team=team, user=user):
        raise Http404(_("Not a member of this team"))
    messages.success(request, _("%(user)s left %(team)s.") % {"user": user.username, "team": team.name})
    return redirect("web:team_list")


def _render_rules(request: HttpRequest, form: RuleForm | None = None, status: int = 200) -> HttpResponse:
    teams = [(t.pk, t.name) for t in selectors.all_teams()]
    context = {"rules": selectors.all_rules(), "form": form or RuleForm(teams=teams)}
    return render(request, "web/teams/rules.html", context, status=status)


@capability_required(Capability.MANAGE_TEAMS)
def rule_list(request: HttpRequest) -> HttpResponse:
    return _render_rules(request)


@require_POST
@capability_required(Capability.MANAGE_TEAMS)
def rule_create(request: HttpRequest) -> HttpResponse:
    form = RuleForm(request.POST, teams=[(t.pk, t.name) for t in selectors.all_teams()])
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.create_rule(
                actor=current_user(request),
                name=data["name"],
                record_kind=data["record_kind"],
                team=selectors.get_team(data["team"]),
                strategy=data["strategy"],
                language=data["language"],
                segment=data["segment"],
                min_customer_value=data["min_customer_value"],
                position=data["position"],
            )
        except ServiceValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Rule saved."))
            return redirect("web:rule_list")
    return _render_rules(request, form, status=400)


@require_POST
@capability_required(Capability.MANAGE_TEAMS)
def rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    try:
        rule = selectors.get_rule(rule_id)
    except NotFoundError as exc:
        raise Http404(_("No such rule")) from exc
    services.delete_rule(actor=current_user(request), rule=rule)
    messages.success(request, _("Rule deleted."))
    return redirect("web:rule_list")


@capability_required(Capability.VIEW_WORKLOAD)
def workload(request: HttpRequest) -> HttpResponse:
    return render(request, "web/teams/workload.html", {"workload": selectors.workload()})
