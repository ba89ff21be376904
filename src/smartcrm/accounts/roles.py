"""Roles and what each may do: least privilege, one registry, one comment per capability."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    SALES = "sales"
    SUPPORT = "support"
    MARKETING = "marketing"
    ANALYST = "analyst"


# The roles' names as the pages show them.
ROLE_LABELS = {
    Role.ADMIN: _("Admin"),
    Role.MANAGER: _("Manager"),
    Role.SALES: _("Sales"),
    Role.SUPPORT: _("Support"),
    Role.MARKETING: _("Marketing"),
    Role.ANALYST: _("Analyst"),
}


class Capability(StrEnum):
    VIEW_CUSTOMERS = "view_customers"  # see customer profiles (PII masked unless VIEW_PII)
    EDIT_CUSTOMERS = "edit_customers"  # create and change customers, notes and tags
    VIEW_PII = "view_pii"  # see email, phone and address unmasked (audited)
    VIEW_ORDERS = "view_orders"  # see orders and revenue
    EDIT_ORDERS = "edit_orders"  # create orders, record refunds and returns
    EDIT_CATALOG = "edit_catalog"  # create and change products and categories
    VIEW_TICKETS = "view_tickets"  # read the support inbox
    REPLY_TICKETS = "reply_tickets"  # answer and change tickets
    VIEW_PIPELINE = "view_pipeline"  # see B2B leads and deals
    EDIT_PIPELINE = "edit_pipeline"  # create deals and move them between stages
    EDIT_REVIEWS = "edit_reviews"  # record and moderate reviews and survey answers
    IMPORT_DATA = "import_data"  # bulk import files
    MERGE_CUSTOMERS = "merge_customers"  # review duplicates, merge customers, undo merges, bulk data fixes
    MANAGE_USERS = "manage_users"  # staff accounts, roles and settings
    MANAGE_INTEGRATIONS = "manage_integrations"  # shop connections, outbound webhooks and their logs
    VIEW_INSIGHTS = "view_insights"  # see sales forecasts and anomaly alerts
    HANDLE_ALERTS = "handle_alerts"  # acknowledge and resolve anomaly alerts
    VIEW_MODELS = "view_models"  # see model versions, their metrics and feature schemas (model cards)
    MANAGE_MODELS = "manage_models"  # activate a model version or roll a kind back to the previous one
    EDIT_KNOWLEDGE = "edit_knowledge"  # write, import and publish help-center articles
    MANAGE_CAMPAIGNS = "manage_campaigns"  # create, schedule, send and cancel email campaigns; their results
    VIEW_WORKFLOWS = "view_workflows"  # see workflows and their runs' logs
    EDIT_WORKFLOWS = "edit_workflows"  # create, change, enable and start workflows; retry their runs
    VIEW_AUDIT = "view_audit"  # read, filter and export the audit log
    HANDLE_PRIVACY_REQUESTS = "handle_privacy_requests"  # export or erase one customer's data (GDPR/PIPL)
    VIEW_WORKLOAD = "view_workload"  # see open items per person and per team (counts, no customer data)
    MANAGE_TEAMS = "manage_teams"  # create teams, change members and leads, write assignment rules


C = Capability
CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.ADMIN: frozenset(Capability),
    Role.MANAGER: frozenset(Capability) - {C.MANAGE_USERS, C.MANAGE_MODELS},
    Role.SALES: frozenset(
        {C.VIEW_CUSTOMERS, C.EDIT_CUSTOMERS, C.VIEW_PII, C.VIEW_ORDERS, C.VIEW_PIPELINE, C.EDIT_PIPELINE}
        | {C.VIEW_INSIGHTS, C.VIEW_MODELS, C.VIEW_WORKLOAD}
    ),
    Role.SUPPORT: frozenset(
        {
            C.VIEW_CUSTOMERS,
            C.EDIT_CUSTOMERS,
            C.VIEW_PII,
            C.VIEW_ORDERS,
            C.EDIT_ORDERS,
            C.VIEW_TICKETS,
            C.REPLY_TICKETS,
            C.EDIT_REVIEWS,
            C.VIEW_INSIGHTS,
            C.HANDLE_ALERTS,
            C.VIEW_MODELS,
            C.EDIT_KNOWLEDGE,
            C.VIEW_WORKFLOWS,
            C.VIEW_WORKLOAD,
        }
    ),
    Role.MARKETING: frozenset(
        {C.VIEW_CUSTOMERS, C.VIEW_ORDERS, C.VIEW_TICKETS, C.EDIT_REVIEWS, C.VIEW_INSIGHTS, C.VIEW_MODELS}
        | {C.EDIT_KNOWLEDGE, C.MANAGE_CAMPAIGNS, C.VIEW_WORKFLOWS, C.EDIT_WORKFLOWS}
    ),
    Role.ANALYST: frozenset(
        {C.VIEW_CUSTOMERS, C.VIEW_ORDERS, C.VIEW_TICKETS, C.VIEW_PIPELINE, C.VIEW_INSIGHTS, C.VIEW_MODELS}
    ),
}


def role_can(role: str, capability: Capability) -> bool:
    try:
        return capability in CAPABILITIES[Role(role)]
    except ValueError:
        return False
