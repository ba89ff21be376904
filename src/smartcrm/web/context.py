"""Template context shared by every page: the navigation the user's role allows, and what
the role may do (templates cannot call ``user.can(...)`` with an argument)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from smartcrm.accounts.roles import Capability
from smartcrm.collaboration.selectors import unread_count

# label, URL name, capability the role needs to see the entry
NAVIGATION: list[tuple[StrOrPromise, str, Capability]] = [
    (_("Dashboard"), "web:dashboard", Capability.VIEW_ORDERS),
    (_("Team dashboards"), "web:dashboards", Capability.VIEW_ORDERS),
    (_("Customers"), "web:customer_list", Capability.VIEW_CUSTOMERS),
    (_("Segments"), "web:segments", Capability.VIEW_CUSTOMERS),
    (_("Products"), "web:product_list", Capability.VIEW_ORDERS),
    (_("Orders"), "web:order_list", Capability.VIEW_ORDERS),
    (_("Inbox"), "web:ticket_inbox", Capability.VIEW_TICKETS),
    (_("Tasks"), "web:task_list", Capability.VIEW_CUSTOMERS),
    (_("Pipeline"), "web:pipeline", Capability.VIEW_PIPELINE),
    (_("Insights"), "web:insights", Capability.VIEW_INSIGHTS),
    (_("Feedback"), "web:feedback", Capability.VIEW_TICKETS),
    (_("Conversations"), "web:conversation_list", Capability.VIEW_TICKETS),
    (_("Help center"), "web:article_list", Capability.EDIT_KNOWLEDGE),
    (_("Campaigns"), "web:campaign_list", Capability.MANAGE_CAMPAIGNS),
    (_("Basket rules"), "web:basket_rules", Capability.VIEW_ORDERS),
    (_("Models"), "web:model_cards", Capability.VIEW_MODELS),
    (_("Import"), "web:import_home", Capability.IMPORT_DATA),
    (_("Duplicates"), "web:duplicates", Capability.MERGE_CUSTOMERS),
    (_("Integrations"), "web:integrations", Capability.MANAGE_INTEGRATIONS),
    (_("Workflows"), "web:workflow_list", Capability.VIEW_WORKFLOWS),
    (_("Assistant settings"), "web:assistant_settings", Capability.MANAGE_USERS),
    (_("Audit log"), "web:audit_log", Capability.VIEW_AUDIT),
    (_("Privacy"), "web:privacy", Capability.HANDLE_PRIVACY_REQUESTS),
    (_("Teams"), "web:team_list", Capability.MANAGE_TEAMS),
    (_("SLA policies"), "web:sla_policies", Capability.MANAGE_TEAMS),
    (_("Sales targets"), "web:sales_targets", Capability.MANAGE_TEAMS),
    (_("Workload"), "web:workload", Capability.VIEW_WORKLOAD),
]
# Which navigation entry is highlighted for each page.
SECTIONS = {
    "dashboard": "web:dashboard",
    "role_dashboard": "web:dashboards",
    "sla_policies": "web:sla_policies",
    "sla_policy_edit": "web:sla_policies",
    "sales_targets": "web:sales_targets",
    "customer_list": "web:customer_list",
    "customer_detail": "web:customer_list",
    "product_list": "web:product_list",
    "product_detail": "web:product_list",
    "order_list": "web:order_list",
    "order_detail": "web:order_list",
    "ticket_inbox": "web:ticket_inbox",
    "task_list": "web:task_list",
    "ticket_detail": "web:ticket_inbox",
    "pipeline": "web:pipeline",
    "segments": "web:segments",
    "model_cards": "web:model_cards",
    "import_home": "web:import_home",
    "import_map": "web:import_home",
    "import_preview": "web:import_home",
    "import_run": "web:import_home",
    "duplicates": "web:duplicates",
    "merge_history": "web:duplicates",
    "data_quality": "web:duplicates",
    "insights": "web:insights",
    "feedback": "web:feedback",
    "inbox_urgency": "web:ticket_inbox",
    "basket_rules": "web:basket_rules",
    "integrations": "web:integrations",
    "campaign_list": "web:campaign_list",
    "campaign_new": "web:campaign_list",
    "campaign_detail": "web:campaign_list",
    "campaign_edit": "web:campaign_list",
    "workflow_list": "web:workflow_list",
    "workflow_new": "web:workflow_list",
    "workflow_edit": "web:workflow_list",
    "workflow_run": "web:workflow_list",
    "assistant_settings": "web:assistant_settings",
    "conversation_list": "web:conversation_list",
    "conversation_detail": "web:conversation_list",
    "article_list": "web:article_list",
    "article_new": "web:article_list",
    "article_edit": "web:article_list",
    "audit_log": "web:audit_log",
    "privacy": "web:privacy",
    "customer_erase": "web:customer_list",
    "team_list": "web:team_list",
    "rule_list": "web:team_list",
    "workload": "web:workload",
}


def notifications(request: HttpRequest) -> dict[str, Any]:
    """The unread count on the header's notifications link (one indexed count per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "can": {}, "show_admin": False, "nav_current": ""}
    match = getattr(request, "resolver_match", None)
    current = SECTIONS.get(match.url_name or "", "") if match and match.namespace == "web" else ""
    return {
        "nav_items": [(label, name) for label, name, cap in NAVIGATION if user.can(cap)],
        "nav_current": current,
        "can": {cap.value: user.can(cap) for cap in Capability},
        "show_admin": user.can(Capability.MANAGE_USERS),
    }
