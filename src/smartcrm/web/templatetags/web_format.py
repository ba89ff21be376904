"""Formatting filters for the HTML pages. They return plain strings, so auto-escaping applies."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.conf import settings

from smartcrm.accounts.masking import free_text_for

register = template.Library()

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def money(value: Any, currency: str = "") -> str:
    """``1234.5`` → ``$1,234.50`` (the shop's currency unless the row says otherwise)."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    code = (currency or settings.SMARTCRM_CURRENCY).upper()
    sign = "-" if amount < 0 else ""
    text = f"{abs(amount):,.2f}"
    symbol = SYMBOLS.get(code)
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {code}"


@register.filter
def money_short(value: Any) -> str:
    """A compact amount for chart labels: ``$12.3k``, ``$1.2M``."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    symbol = SYMBOLS.get(settings.SMARTCRM_CURRENCY.upper(), "")
    for limit, suffix in ((Decimal(1_000_000), "M"), (Decimal(1_000), "k")):
        if abs(amount) >= limit:
            return f"{symbol}{_trim(f'{amount / limit:.1f}')}{suffix}"
    return f"{symbol}{amount:.0f}"


def _trim(number: str) -> str:
    return number.rstrip("0").rstrip(".") if "." in number else number


@register.filter
def change(current: Any, previous: Any) -> str:
    """Percentage change from the previous period, ``+12.5%``; empty when there is no base."""
    now, before = _decimal(current), _decimal(previous)
    if now is None or before is None or before == 0:
        return ""
    pct = (now - before) / before * 100
    return f"{pct:+.1f}%"


@register.filter
def trend(current: Any, previous: Any) -> str:
    """``up``, ``down`` or ``flat``: the CSS class for a change badge."""
    now, before = _decimal(current), _decimal(previous)
    if now is None or before is None or now == before:
        return "flat"
    return "up" if now > before else "down"


@register.filter
def percent(value: Any, digits: int = 0) -> str:
    """A probability as a percentage: ``0.4213`` → ``42%``; ``—`` when unknown."""
    number = _decimal(value)
    if number is None:
        return "—"
    return f"{number * 100:.{int(digits)}f}%"


@register.filter
def uplift_pp(value: Any) -> str:
    """A predicted uplift (a probability difference) in signed percentage points: ``0.021`` →
    ``+2.1 pp``; ``—`` when unknown."""
    number = _decimal(value)
    if number is None:
        return "—"
    return f"{'+' if number >= 0 else '−'}{abs(number) * 100:.1f} pp"


@register.filter
def churn_band(value: Any) -> str:
    """``low``, ``medium`` or ``high`` (below 30 %, 30–60 %, above 60 %): a badge class."""
    from smartcrm.intelligence.selectors import churn_band as band

    number = _decimal(value)
    return band(None if number is None else float(number))


@register.filter
def segment_title(key: Any) -> str:
    """The display name of an RFM segment key (``at_risk`` → ``At risk``)."""
    from smartcrm.intelligence.selectors import segment_info

    info = segment_info(str(key or ""))
    return info.title if info else ""


@register.filter
def masked_for(text: str | None, viewer: Any) -> str:
    """Free text as ``viewer`` may read it: ``{{ m.body|masked_for:user|linebreaksbr }}``
    (contact details masked for roles without view_pii; ``accounts.masking``)."""
    return free_text_for(viewer, text or "")
