"""Badges for the inbox, the ticket thread and the customer 360 (one query per use, none per row)."""

from __future__ import annotations

from typing import Any

from django import template

from smartcrm.textanalysis import selectors
from smartcrm.textanalysis.models import SourceKind

register = template.Library()


@register.inclusion_tag("web/textanalysis/_ticket_analysis.html")
def ticket_analysis(ticket_id: int) -> dict[str, Any]:
    return {"a": selectors.analyses_for(SourceKind.TICKET, [ticket_id]).get(ticket_id)}


@register.inclusion_tag("web/textanalysis/_customer_sentiment.html")
def customer_sentiment(customer_id: int) -> dict[str, Any]:
    return {"analyses": selectors.customer_analyses(customer_id, limit=10)}
