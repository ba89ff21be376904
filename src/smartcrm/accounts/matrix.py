"""The permission matrix as Markdown, from the role table (roles.py) and what every route declares
(routes.py): ``smartcrm security matrix --markdown`` prints it, docs/security.md holds it, and a
test fails when the two differ."""

from __future__ import annotations

import inspect
import re
from collections import defaultdict

from smartcrm.accounts import roles
from smartcrm.accounts.roles import CAPABILITIES, Capability, Role
from smartcrm.accounts.routes import Route, routes

_COMMENTED = re.compile(r'^\s+(\w+) = "(\w+)"\s+#\s*(.+)$')
ANY_STAFF = "any signed-in staff user"
PER_ARGUMENT = "depends on the URL"


def capability_notes() -> dict[Capability, str]:
    """Each capability's one-line comment in roles.py (the registry's documentation)."""
    notes = {}
    for line in inspect.getsource(roles.Capability).splitlines():
        if found := _COMMENTED.match(line):
            notes[Capability(found.group(2))] = found.group(3).strip()
    return notes


def role_table() -> str:
    notes = capability_notes()
    header = "| Capability | " + " | ".join(role.value for role in Role) + " | What it allows |"
    rule = "|---|" + "---|" * len(Role) + "---|"
    rows = [
        f"| `{capability.value}` | "
        + " | ".join("✓" if capability in CAPABILITIES[role] else "–" for role in Role)
        + f" | {notes.get(capability, '')} |"
        for capability in Capability
    ]
    return "\n".join([header, rule, *rows])


def _rule(route: Route) -> str:
    access = route.access
    if access is None:
        return "undeclared"
    if access.public:
        return f"public: {access.public}"
    if access.capability_of is not None:
        return f"{PER_ARGUMENT} (`{access.argument}`)"
    return f"`{access.capability.value}`" if access.capability else ANY_STAFF


def route_table() -> str:
    """Routes grouped by the rule that guards them; Django's admin in one line."""
    groups: dict[str, list[str]] = defaultdict(list)
    for route in routes():
        if route.admin:
            continue
        groups[_rule(route)].append(f"`{route.method or 'page'} /{route.path}`")
    order = [f"`{c.value}`" for c in Capability]
    keys = sorted(groups, key=lambda k: (order.index(k) if k in order else len(order), k))
    lines = ["| Needs | Pages and API operations |", "|---|---|"]
    lines += [f"| {key} | {', '.join(groups[key])} |" for key in keys]
    lines.append("| `is_staff` (the admin role) | every page under `/admin/` (Django's admin site) |")
    return "\n".join(lines)


def markdown() -> str:
    return (
        "Roles and capabilities (`src/smartcrm/accounts/roles.py`):\n\n"
        + role_table()
        + "\n\nWhat each page and API operation needs (declared on the view, `accounts/access.py`):\n\n"
        + route_table()
        + "\n"
    )
