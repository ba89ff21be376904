"""A lead created by hand (the pipeline's "New lead" page) or through the API: checked field by
field, refused to roles that may not change the pipeline, and routed by the assignment rules for
leads like every other new lead."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from smartcrm.accounts.roles import Role
from smartcrm.core.errors import ServiceValidationError
from smartcrm.core.models import AuditEvent
from smartcrm.pipeline.models import Lead
from smartcrm.pipeline.services import create_lead
from smartcrm.teams import services as teams
from smartcrm.teams.models import RecordKind, TeamKind
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


def _client(role: Role, username: str) -> tuple[Client, Any]:
    user = UserFactory(username=username, role=role)
    client = Client()
    client.force_login(user)
    return client, user


def _sales_team(size: int) -> Any:
    team = teams.create_team(actor="test", name="wholesale", kind=TeamKind.SALES)
    for i in range(size):
        teams.add_member(actor="test", team=team, user=UserFactory(username=f"rep-{i}", role=Role.SALES))
    teams.create_rule(actor="test", name="leads", record_kind=RecordKind.LEAD, team=team)
    return team


def test_the_service_cleans_checks_every_field_and_keeps_a_named_owner() -> None:
    _sales_team(2)
    chosen = UserFactory(username="chosen", role=Role.SALES)
    with pytest.raises(ServiceValidationError) as raised:
        create_lead(
            actor="test", company_name="x" * 201, contact_name="y" * 201, email="nope", source="z" * 51
        )
    assert set(raised.value.errors) == {"company_name", "contact_name", "email", "source"}
    assert not Lead.objects.exists()
    lead = create_lead(
        actor="test", company_name="  Tea Wholesale  ", email=" Buyer@Tea.example ", owner=chosen
    )
    lead.refresh_from_db()
    assert (lead.company_name, lead.email, lead.owner) == ("Tea Wholesale", "buyer@tea.example", chosen)
    assert lead.team is not None and lead.team.name == "wholesale"  # the rule still gives the team


def test_the_pipeline_links_to_the_form_which_creates_a_routed_lead() -> None:
    _sales_team(2)
    client, user = _client(Role.SALES, "seller")
    board = client.get("/pipeline/").content.decode()
    assert 'href="/pipeline/leads/new/"' in board
    form = client.get("/pipeline/leads/new/")
    assert form.status_code == 200 and 'name="company_name"' in form.content.decode()
    made = client.post(
        "/pipeline/leads/new/",
        {"company_name": "Green Leaf Ltd", "contact_name": "Li Wei", "email": "li@greenleaf.example",
         "source": "trade fair", "owner": ""},
        follow=True,
    )  # fmt: skip
    assert made.redirect_chain == [("/pipeline/", 302)]
    lead = Lead.objects.select_related("owner", "team").get()
    assert (lead.contact_name, lead.email, lead.source) == ("Li Wei", "li@greenleaf.example", "trade fair")
    assert lead.team.name == "wholesale" and lead.owner.username in {"rep-0", "rep-1"}
    assert f"Lead Green Leaf Ltd created for {lead.owner.username}." in made.content.decode()
    assert AuditEvent.objects.filter(object_type="pipeline.lead", actor=user).exists()


def test_the_form_shows_each_refused_field_and_creates_nothing() -> None:
    client, _user = _client(Role.MANAGER, "boss")
    refused = client.post(
        "/pipeline/leads/new/", {"company_name": "   ", "email": "not an address", "owner": "999999"}
    )
    assert refused.status_code == 400
    form = refused.context["form"]
    assert set(form.errors) == {"company_name", "owner"}  # the form's own checks first
    refused = client.post("/pipeline/leads/new/", {"company_name": "Shop", "email": "not an address"})
    assert refused.status_code == 400
    assert list(refused.context["form"].errors) == ["email"]  # then the service's
    assert 'class="field-error"' in refused.content.decode()
    assert not Lead.objects.exists()


def test_a_role_that_may_not_change_the_pipeline_cannot_create_a_lead() -> None:
    client, _user = _client(Role.ANALYST, "reader")  # sees the pipeline, changes nothing
    assert 'href="/pipeline/leads/new/"' not in client.get("/pipeline/").content.decode()
    assert client.get("/pipeline/leads/new/").status_code == 403
    assert client.post("/pipeline/leads/new/", {"company_name": "Sneaky"}).status_code == 403
    support, _user = _client(Role.SUPPORT, "agent")
    assert support.post("/pipeline/leads/new/", {"company_name": "Sneaky"}).status_code == 403
    assert not Lead.objects.exists()


def test_the_api_creates_a_routed_lead_and_keeps_a_named_owner(api_as: Any) -> None:
    team = _sales_team(3)
    sales = api_as(Role.SALES)
    customer = CustomerFactory(language="zh-Hans")
    made = sales.post(
        "/leads",
        {"company_name": "绿叶茶业", "contact_name": "王芳", "email": "Wang@LvYe.example",
         "source": "web form", "customer_id": customer.pk},
    )  # fmt: skip
    assert made.status_code == 201, made.content
    body = made.json()
    lead = Lead.objects.get(pk=body["id"])
    assert (body["team_id"], body["team"]) == (team.pk, "wholesale")
    assert body["owner"] in {"rep-0", "rep-1", "rep-2"} and body["owner_id"] == lead.owner_id
    assert (body["email"], body["customer_id"], body["status"]) == ("wang@lvye.example", customer.pk, "new")
    manager = api_as(Role.MANAGER)
    owner = UserFactory(username="named", role=Role.SALES)
    named = manager.post("/leads", {"company_name": "Named", "owner_id": owner.pk}).json()
    assert (named["owner"], named["team"]) == ("named", "wholesale")


def test_the_api_answers_422_per_field_and_403_for_a_role_without_edit_pipeline(api_as: Any) -> None:
    sales = api_as(Role.SALES)
    refused = sales.post("/leads", {"company_name": " ", "email": "nope", "owner_id": 987654})
    assert refused.status_code == 422
    locs = {tuple(item["loc"]) for item in refused.json()["detail"]}
    assert locs == {("body", "payload", "owner_id")}  # an unknown reference first
    refused = sales.post("/leads", {"company_name": " ", "email": "nope"})
    assert refused.status_code == 422 and refused.json()["code"]
    fields = {item["loc"][-1]: item for item in refused.json()["detail"]}
    assert set(fields) == {"company_name", "email"}
    assert all(item["loc"][:2] == ["body", "payload"] for item in fields.values())
    too_long = sales.post("/leads", {"company_name": "x" * 201})
    assert too_long.status_code == 422 and too_long.json()["detail"][0]["loc"][-1] == "company_name"
    analyst = api_as(Role.ANALYST)
    forbidden = analyst.post("/leads", {"company_name": "Sneaky"})
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "permission_denied"
    assert not Lead.objects.exists()
