"""Free text as a viewer may read it: the one rule behind the API's serializers and the pages'
``masked_for`` filter. Contact fields have their own masks (``customers.contact``); customers
also write their email or phone number into tickets, notes and reviews, which this covers."""

from __future__ import annotations

from typing import Any

from smartcrm.accounts.roles import Capability
from smartcrm.core.pii import mask_free_text


def may_view_pii(viewer: Any) -> bool:
    return bool(getattr(viewer, "is_authenticated", False) and viewer.can(Capability.VIEW_PII))


def free_text_for(viewer: Any, text: str) -> str:
    """``text`` unchanged for a role with ``view_pii``; else with contact details masked."""
    return text if may_view_pii(viewer) else mask_free_text(text)
