"""B2B leads: create one by hand or from another system; the assignment rules for leads give it
a team and an owner unless the call names the owner."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from smartcrm.accounts.masking import may_view_pii
from smartcrm.accounts.roles import Capability
from smartcrm.api.auth import needs, require_user, staff_user
from smartcrm.api.errors import CREATE_ERRORS
from smartcrm.api.schemas import Id, Text50, Text200, Text254, referenced
from smartcrm.core.pii import mask_email
from smartcrm.customers.selectors import get_customer
from smartcrm.pipeline import services
from smartcrm.pipeline.models import Lead

router = Router(tags=["leads"])


class LeadIn(Schema):
    company_name: Text200
    contact_name: Text200 = ""
    email: Text254 = ""
    source: Text50 = Field("", description="Where the lead came from (a trade fair, a web form…)")
    customer_id: Id | None = Field(None, description="The customer it belongs to, if any")
    owner_id: Id | None = Field(None, description="Omitted: the assignment rules for leads choose")


class LeadOut(Schema):
    id: int
    company_name: str
    contact_name: str
    email: str = Field(description="Masked (a•••@example.com) unless the role may view PII")
    source: str
    status: str
    customer_id: int | None
    owner_id: int | None
    owner: str | None = Field(description="The owner's username")
    team_id: int | None
    team: str | None = Field(description="The team's name")
    created_at: datetime


def _lead_out(user: Any, lead: Lead) -> dict[str, Any]:
    return {
        **{name: getattr(lead, name) for name in ("id", "company_name", "contact_name", "source", "status")},
        "email": lead.email if may_view_pii(user) or not lead.email else mask_email(lead.email),
        "customer_id": lead.customer_id,
        "owner_id": lead.owner_id,
        "owner": lead.owner.get_username() if lead.owner is not None else None,
        "team_id": lead.team_id,
        "team": lead.team.name if lead.team is not None else None,
        "created_at": lead.created_at,
    }


@router.post("", response={201: LeadOut, **CREATE_ERRORS}, summary="Create a lead")
@needs(Capability.EDIT_PIPELINE)
def create_lead(request: HttpRequest, payload: LeadIn) -> Status:
    """Routed like every new lead: the first matching assignment rule for leads gives it a team
    and (round robin, least busy…) a member; the answer shows where it went."""
    user = require_user(request)
    lead = services.create_lead(
        actor=user,
        company_name=payload.company_name,
        contact_name=payload.contact_name,
        email=payload.email,
        source=payload.source,
        customer=referenced(get_customer, payload.customer_id, "customer_id")
        if payload.customer_id
        else None,
        owner=referenced(staff_user, payload.owner_id, "owner_id") if payload.owner_id else None,
    )
    routed = Lead.objects.select_related("owner", "team").get(pk=lead.pk)
    return Status(201, _lead_out(user, routed))
