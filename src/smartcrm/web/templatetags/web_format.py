"""Formatting filters for the HTML pages. They return plain strings, so auto-escaping applies."""

from __future__ import annotations

import functools
from decimal import Decimal, InvalidOperation
from typing import Any

from babel import Locale
from babel.numbers import format_compact_currency, format_currency
from django import template
from django.conf import settings
from django.utils.translation import get_language, gettext, pgettext_lazy, to_locale

from smartcrm.accounts.masking import free_text_for

register = template.Library()


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _locale() -> Locale:
    """The interface language as a CLDR locale (``en``, ``zh_Hans``) for babel."""
    return _parsed(to_locale(get_language() or settings.LANGUAGE_CODE))


@functools.lru_cache(maxsize=16)
def _parsed(name: str) -> Locale:
    """babel parses a locale given by name on every call (three quarters of an amount's
    formatting time, which a list of 50 rows pays about a hundred times): parse each once."""
    return Locale.parse(name)


@register.filter
def money(value: Any, currency: str = "") -> str:
    """An amount in the shop's currency (``SMARTCRM_CURRENCY``) unless the row says otherwise,
    written the way the interface language writes it: ``$1,234.50`` in English, ``US$1,234.50``
    and ``¥1,234.50`` (CNY) in Chinese."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    code = (currency or settings.SMARTCRM_CURRENCY).upper()
    return format_currency(amount, code, locale=_locale())


@register.filter
def money_short(value: Any) -> str:
    """A compact amount for chart labels: ``$12.3K``, ``$1.2M``; ``¥1.2万`` in Chinese."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    code = settings.SMARTCRM_CURRENCY.upper()
    return format_compact_currency(amount, code, locale=_locale(), fraction_digits=1)


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


# The bands' names as a reader sees them (``churn_band`` gives the CSS class).
CHURN_BANDS = {
    "low": pgettext_lazy("churn risk", "low"),
    "medium": pgettext_lazy("churn risk", "medium"),
    "high": pgettext_lazy("churn risk", "high"),
}


@register.filter
def churn_band_name(value: Any) -> str:
    """The churn band (low, medium, high) in the reader's language."""
    band = churn_band(value)
    return str(CHURN_BANDS.get(band, band))


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


@register.filter
def reason_text(reason: Any) -> str:
    """A reason kept as data (:class:`smartcrm.engine.reasons.Reason`: a recommendation's, an
    action's) in the reader's language (``smartcrm.intelligence.wording``)."""
    from smartcrm.intelligence.wording import worded

    return worded(reason) if reason is not None else ""


@register.filter
def explanation(holder: Any, name: str = "") -> str:
    """An explanation kept as data, in the reader's language: ``{{ score|explanation:"churn" }}``
    (churn, propensity, next_category, cluster), ``{{ alert|explanation }}`` or
    ``{{ nba|explanation:"next_action" }}``."""
    from smartcrm.intelligence.wording import explained, score_explanation, worded

    if holder is None:
        return ""
    if not name:
        return explained(getattr(holder, "explanation_data", None), getattr(holder, "explanation", ""))
    if name == "next_action":  # computed for the page, never stored: its data is at hand
        return worded(holder.explanation)
    return score_explanation(holder, name)


@register.filter
def metric_name(metric: str) -> str:
    """A daily metric's name (``revenue`` → Revenue) in the reader's language."""
    from smartcrm.intelligence.wording import metric_name as name

    return name(str(metric or ""))


@register.filter
def import_message(text: str | None) -> str:
    """An error an import wrote (kept in English), in the reader's language."""
    from smartcrm.imports.wording import row_message

    return row_message(text or "")


@register.filter
def delivery_message(text: str | None) -> str:
    """An error or note an inbound shop delivery stored (kept in English), in the reader's language."""
    from smartcrm.integrations.wording import delivery_message as worded

    return worded(text or "")


@register.filter
def series_name(key: str) -> str:
    """A forecast series key in words: ``revenue/total/all`` → Revenue, whole shop;
    ``revenue/category/Books`` → Revenue · Books (the category's name is data)."""
    from smartcrm.intelligence.wording import metric_name as name

    metric, level, value = [*str(key or "").split("/", 2), "", ""][:3]
    if level == "total":
        return gettext("%(metric)s, whole shop") % {"metric": name(metric)}
    return f"{name(metric)} · {value}" if value else name(metric)
