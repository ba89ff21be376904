"""Teams, their members, the assignment rules and the workload."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from smartcrm.accounts.roles import Capability
from smartcrm.api.auth import needs, require_user, signed_in, staff_user
from smartcrm.api.errors import AUTH_ERRORS, CREATE_ERRORS, ONE_ERRORS, WRITE_ERRORS
from smartcrm.api.schemas import Id, Money, Text10, Text40, Text100, referenced
from smartcrm.core.errors import NotFoundError
from smartcrm.teams import selectors, services
from smartcrm.teams.models import AssignmentRule, RecordKind, Strategy, Team, TeamKind

router = Router(tags=["teams"])


class MemberOut(Schema):
    id: int
    username: str


class TeamOut(Schema):
    id: int
    name: str
    kind: str
    lead_id: int | None
    members: list[MemberOut]

    @staticmethod
    def resolve_members(obj: Team) -> list[dict[str, Any]]:
        return [{"id": m.user_id, "username": m.user.username} for m in obj.memberships.all()]


class TeamIn(Schema):
    name: Text100
    kind: TeamKind = TeamKind.OTHER
    lead_id: Id | None = None


class MemberIn(Schema):
    user_id: Id
    lead: bool = Field(False, description="Also make them the team's lead")


class RuleOut(Schema):
    id: int
    name: str
    record_kind: str
    position: int
    enabled: bool
    language: str
    segment: str
    min_customer_value: Decimal | None
    team_id: int
    strategy: str
    last_assignee_id: int | None


class RuleIn(Schema):
    name: Text100
    record_kind: RecordKind
    team_id: Id
    strategy: Strategy = Strategy.ROUND_ROBIN
    language: Text10 = ""
    segment: Text40 = ""
    min_customer_value: Money | None = None
    position: int = Field(0, ge=0, le=1000)


class LoadOut(Schema):
    id: int
    name: str
    tickets: int
    deals: int
    leads: int
    conversations: int
    customers: int
    total: int


class WorkloadOut(Schema):
    people: list[LoadOut]
    teams: list[LoadOut]
    unassigned_tickets: int


@router.get("", response={200: list[TeamOut], **AUTH_ERRORS}, summary="List teams and their members")
@signed_in
def list_teams(request: HttpRequest) -> list[Team]:
    """Every signed-in role may see who is in which team (names only, no customer data)."""
    return list(selectors.all_teams())


@router.post("", response={201: TeamOut, **CREATE_ERRORS}, summary="Create a team")
@needs(Capability.MANAGE_TEAMS)
def create_team(request: HttpRequest, payload: TeamIn) -> Status:
    lead = referenced(staff_user, payload.lead_id, "lead_id") if payload.lead_id else None
    team = services.create_team(actor=require_user(request), name=payload.name, kind=payload.kind, lead=lead)
    return Status(201, selectors.get_team(team.pk))


@router.post("/{team_id}/members", response={200: TeamOut, **WRITE_ERRORS}, summary="Add a member to a team")
@needs(Capability.MANAGE_TEAMS)
def add_member(request: HttpRequest, team_id: Id, payload: MemberIn) -> Team:
    actor, team = require_user(request), selectors.get_team(team_id)
    user = referenced(staff_user, payload.user_id, "user_id")
    services.add_member(actor=actor, team=team, user=user)
    if payload.lead:
        services.set_lead(actor=actor, team=team, lead=user)
    return selectors.get_team(team_id)


@router.delete(
    "/{team_id}/members/{user_id}", response={204: None, **ONE_ERRORS}, summary="Remove a team member"
)
@needs(Capability.MANAGE_TEAMS)
def remove_member(request: HttpRequest, team_id: Id, user_id: Id) -> Status:
    team = selectors.get_team(team_id)
    if not services.remove_member(actor=require_user(request), team=team, user=staff_user(user_id)):
        raise NotFoundError(f"member {user_id}")
    return Status(204, None)


@router.get("/rules", response={200: list[RuleOut], **AUTH_ERRORS}, summary="List assignment rules")
@needs(Capability.MANAGE_TEAMS)
def list_rules(request: HttpRequest) -> list[AssignmentRule]:
    return list(selectors.all_rules())


@router.post("/rules", response={201: RuleOut, **CREATE_ERRORS}, summary="Create an assignment rule")
@needs(Capability.MANAGE_TEAMS)
def create_rule(request: HttpRequest, payload: RuleIn) -> Status:
    rule = services.create_rule(
        actor=require_user(request),
        name=payload.name,
        record_kind=payload.record_kind,
        team=referenced(selectors.get_team, payload.team_id, "team_id"),
        strategy=payload.strategy,
        language=payload.language,
        segment=payload.segment,
        min_customer_value=payload.min_customer_value,
        position=payload.position,
    )
    return Status(201, rule)


@router.delete("/rules/{rule_id}", response={204: None, **ONE_ERRORS}, summary="Delete an assignment rule")
@needs(Capability.MANAGE_TEAMS)
def delete_rule(request: HttpRequest, rule_id: Id) -> Status:
    services.delete_rule(actor=require_user(request), rule=selectors.get_rule(rule_id))
    return Status(204, None)


@router.get("/workload", response={200: WorkloadOut, **AUTH_ERRORS}, summary="Open items per person and team")
@needs(Capability.VIEW_WORKLOAD)
def workload(request: HttpRequest) -> Any:
    return selectors.workload()
