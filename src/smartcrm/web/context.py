"""Template context shared by every page: the navigation the user's role allows."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from smartcrm.accounts.roles import Capability

NAVIGATION = [
    ("Dashboard", "web:dashboard", Capability.VIEW_ORDERS),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": [(label, name) for label, name, cap in NAVIGATION if user.can(cap)]}
