"""Assignment rules route new tickets, deals, leads and handed-over conversations: round robin spreads
1,000 tickets evenly, and language, segment and customer value send records to the right team."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from django.utils import timezone

from smartcrm.accounts.roles import Role
from smartcrm.assistant.models import Conversation
from smartcrm.assistant.services import hand_off
from smartcrm.core.errors import ServiceValidationError
from smartcrm.intelligence.models import CustomerScore
from smartcrm.pipeline.models import Lead, LeadStatus
from smartcrm.pipeline.services import create_deal, create_lead
from smartcrm.support.models import Ticket, TicketStatus
from smartcrm.support.services import open_ticket, update_ticket
from smartcrm.teams import services
from smartcrm.teams.models import RecordKind, Strategy, Team, TeamKind
from smartcrm.teams.selectors import workload
from tests.factories import CustomerFactory, StageFactory, UserFactory

pytestmark = pytest.mark.django_db


def _team(name: str, size: int, kind: str = TeamKind.SUPPORT) -> Team:
    team = services.create_team(actor="test", name=name, kind=kind)
    for i in range(size):
        services.add_member(
            actor="test", team=team, user=UserFactory(username=f"{name}-{i}", role=Role.SUPPORT)
        )
    return team


def test_round_robin_spreads_1000_tickets_within_5_percent_of_even() -> None:
    agents = 7
    team = _team("support", agents)
    services.create_rule(actor="test", name="all tickets", record_kind=RecordKind.TICKET, team=team)
    customer = CustomerFactory()
    for i in range(1000):
        open_ticket(actor="widget", customer=customer, subject=f"Question {i}", body="Where is my order?")
    counts = Counter(Ticket.objects.values_list("assignee__username", flat=True))
    even = 1000 / agents
    assert set(counts) == {f"support-{i}" for i in range(agents)}
    assert all(abs(n - even) <= 0.05 * even for n in counts.values()), counts
    assert Ticket.objects.filter(team=team).count() == 1000


def test_language_rule_sends_chinese_tickets_to_the_chinese_team() -> None:
    zh, en = _team("zh", 2), _team("en", 2)
    services.create_rule(
        actor="t", name="zh", record_kind=RecordKind.TICKET, team=zh, language="zh", position=0
    )
    services.create_rule(actor="t", name="rest", record_kind=RecordKind.TICKET, team=en, position=1)
    customer = CustomerFactory()
    chinese = [open_ticket(actor="w", customer=customer, subject="订单", body="我的订单在哪里", language=lang)
               for lang in ("zh", "zh-Hans", "zh")]  # fmt: skip
    english = [
        open_ticket(actor="w", customer=customer, subject="Order", body="Where?", language="en")
        for _ in range(3)
    ]
    for ticket in chinese:
        ticket.refresh_from_db()
        assert ticket.team == zh and ticket.assignee.username.startswith("zh-")
    for ticket in english:
        ticket.refresh_from_db()
        assert ticket.team == en and ticket.assignee.username.startswith("en-")


def test_segment_and_value_rules_route_deals_and_keep_an_explicit_owner() -> None:
    vip, champions, rest = (
        _team("vip", 1, TeamKind.SALES),
        _team("champ", 1, TeamKind.SALES),
        _team("sales", 1),
    )
    services.create_rule(actor="t", name="big", record_kind=RecordKind.DEAL, team=vip,
                         min_customer_value=Decimal("1000"), position=0)  # fmt: skip
    services.create_rule(actor="t", name="champions", record_kind=RecordKind.DEAL, team=champions,
                         segment="champions", position=1)  # fmt: skip
    services.create_rule(actor="t", name="rest", record_kind=RecordKind.DEAL, team=rest, position=2)
    stage = StageFactory()
    rich = CustomerFactory(total_spent=Decimal("5000"))
    champion = CustomerFactory(total_spent=Decimal("200"))
    now = timezone.now()
    CustomerScore.objects.create(customer=champion, as_of=now.date(), scored_at=now, segment="champions")
    plain = CustomerFactory(total_spent=Decimal("10"))
    owner = UserFactory(username="chosen", role=Role.SALES)
    deals = {
        "rich": create_deal(actor="t", title="A", stage=stage, customer=rich),
        "champion": create_deal(actor="t", title="B", stage=stage, customer=champion),
        "plain": create_deal(actor="t", title="C", stage=stage, customer=plain, owner=owner),
    }
    for deal in deals.values():
        deal.refresh_from_db()
    assert (deals["rich"].team, deals["rich"].owner.username) == (vip, "vip-0")
    assert (deals["champion"].team, deals["champion"].owner.username) == (champions, "champ-0")
    assert (deals["plain"].team, deals["plain"].owner) == (rest, owner)  # the owner given is kept


def test_leads_go_round_robin_by_language_segment_and_value_and_count_in_the_workload() -> None:
    zh, key, rest = _team("zh-sales", 2, TeamKind.SALES), _team("key", 1, TeamKind.SALES), _team("desk", 3)
    services.create_rule(
        actor="t", name="zh", record_kind=RecordKind.LEAD, team=zh, language="zh", position=0
    )
    services.create_rule(actor="t", name="big", record_kind=RecordKind.LEAD, team=key,
                         min_customer_value=Decimal("1000"), position=1)  # fmt: skip
    services.create_rule(actor="t", name="rest", record_kind=RecordKind.LEAD, team=rest, position=2)
    services.create_rule(actor="t", name="deals", record_kind=RecordKind.DEAL, team=key)  # not leads
    chinese, rich = CustomerFactory(language="zh-Hans"), CustomerFactory(total_spent=Decimal("5000"))
    made = [create_lead(actor="form", company_name=f"Shop {i}", customer=chinese) for i in range(4)]
    made += [create_lead(actor="form", company_name="Big", customer=rich, email="Buyer@Big.example")]
    made += [create_lead(actor="form", company_name=f"Walk-in {i}") for i in range(6)]
    owners = {lead.company_name: (lead.team.name, lead.owner.username) for lead in Lead.objects.all()}
    assert Counter(user for name, (_team_name, user) in owners.items() if name.startswith("Shop")) == {
        "zh-sales-0": 2,
        "zh-sales-1": 2,
    }
    assert owners["Big"] == ("key", "key-0")
    assert Counter(user for name, (_team_name, user) in owners.items() if name.startswith("Walk")) == {
        f"desk-{i}": 2 for i in range(3)
    }
    assert Lead.objects.get(company_name="Big").email == "buyer@big.example"
    Lead.objects.filter(pk=made[0].pk).update(status=LeadStatus.CONVERTED)  # no longer open
    load = workload()
    converted_owner = made[0].owner.username
    people = {row.name: row.leads for row in load.people if row.name.startswith("zh")}
    assert people == {converted_owner: 1, ({"zh-sales-0", "zh-sales-1"} - {converted_owner}).pop(): 2}
    assert sum(row.leads for row in load.people) == 10
    assert {t.name: t.leads for t in load.teams} == {"desk": 6, "key": 1, "zh-sales": 3}
    assert all(row.total == row.leads for row in load.people if row.name.startswith("desk"))


def test_a_lead_needs_a_company_and_a_valid_email() -> None:
    with pytest.raises(ServiceValidationError) as raised:
        create_lead(actor="form", company_name=" ", email="not-an-address")
    assert set(raised.value.errors) == {"company_name", "email"}
    lead = create_lead(actor="form", company_name="No rule yet")
    lead.refresh_from_db()
    assert (lead.team, lead.owner) == (None, None)


def test_least_busy_picks_the_member_with_fewest_open_items() -> None:
    team = _team("desk", 2)
    busy, free = team.members.order_by("username")
    customer = CustomerFactory()
    for _ in range(3):
        ticket = open_ticket(actor="w", customer=customer, subject="Old", body="?")
        update_ticket(actor="t", ticket=ticket, assignee=busy)
    services.create_rule(actor="t", name="least", record_kind=RecordKind.TICKET, team=team,
                         strategy=Strategy.LEAST_BUSY)  # fmt: skip
    first = open_ticket(actor="w", customer=customer, subject="New", body="?")
    first.refresh_from_db()
    assert first.assignee == free


def test_no_rule_no_assignment_and_the_workload_counts_open_items() -> None:
    team = _team("ops", 2)
    customer = CustomerFactory()
    loose = open_ticket(actor="w", customer=customer, subject="Nobody", body="?")
    loose.refresh_from_db()
    assert loose.assignee is None and loose.team is None
    services.create_rule(actor="t", name="all", record_kind=RecordKind.TICKET, team=team)
    for _ in range(4):
        open_ticket(actor="w", customer=customer, subject="Q", body="?")
    solved = Ticket.objects.filter(team=team).first()
    update_ticket(actor="t", ticket=solved, status=TicketStatus.SOLVED)
    load = workload()
    people = {row.name: row.tickets for row in load.people}
    assert people == {"ops-0": 1, "ops-1": 2} or people == {"ops-0": 2, "ops-1": 1}
    assert [(t.name, t.tickets) for t in load.teams] == [("ops", 3)]
    assert load.unassigned_tickets == 1


def test_a_handed_over_conversation_follows_its_ticket_or_its_own_rule() -> None:
    support, chat = _team("support", 1), _team("chat", 1)
    services.create_rule(actor="t", name="tickets", record_kind=RecordKind.TICKET, team=support)
    customer = CustomerFactory()
    first = Conversation.objects.create(customer=customer)
    first.messages.create(speaker="customer", body="I need a person")
    hand_off(first, "asked_for_person")
    first.refresh_from_db()
    assert (first.team, first.assignee.username) == (support, "support-0")
    services.create_rule(actor="t", name="chats", record_kind=RecordKind.CONVERSATION, team=chat)
    second = Conversation.objects.create(customer=customer)
    hand_off(second, "asked_for_person")
    second.refresh_from_db()
    assert (second.team, second.assignee.username) == (chat, "chat-0")
