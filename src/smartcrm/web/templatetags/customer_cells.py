"""The cells of one row of the customer list, written in Python: ``{% customer_cells c columns %}``.

The list shows 50 rows of up to 11 columns. As template markup (a ``{% for col %}`` with an
``{% if col.key == … %}`` chain per cell) rendering a page cost about 25 ms of CPU on top of
everything else, most of the page's time (bench/pages.py, bench/README.md); here each column
is one function and the page's rows render in a few milliseconds. The HTML is the same, built
with ``format_html`` so every value is escaped as the template did.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma, naturalday
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext

from smartcrm.customers.models import Customer
from smartcrm.web.templatetags.web_format import churn_band, money, percent, segment_title

register = template.Library()
DASH = mark_safe('<span class="muted">—</span>')


def _score(customer: Customer) -> Any:
    """The joined scores, or None for a customer the last refresh did not score."""
    try:
        return customer.score
    except Customer.score.RelatedObjectDoesNotExist:
        return None


def _name(c: Customer, s: Any) -> SafeString:
    company = (
        format_html('<div class="muted small">{}</div>', c.company_name)
        if c.company_name and c.kind == "person"
        else ""
    )
    url = reverse("web:customer_detail", args=[c.id])
    return format_html('<td><a class="row-link" href="{}">{}</a>{}</td>', url, c.name, company)


def _last_order(c: Customer, s: Any) -> SafeString:
    if not c.last_order_at:
        return format_html('<td><span class="muted">{}</span></td>', gettext("Never"))
    at = localtime(c.last_order_at)
    return format_html(
        '<td><time datetime="{}" title="{}">{}</time></td>',
        date_filter(at, "c"),
        date_filter(at, "M j, Y H:i"),
        naturalday(at, "M j, Y"),
    )


def _segment(c: Customer, s: Any) -> SafeString:
    if s is None or not s.segment:
        return format_html("<td>{}</td>", DASH)
    return format_html('<td><a href="?segment={}">{}</a></td>', quote(s.segment), segment_title(s.segment))


def _clv(c: Customer, s: Any) -> SafeString:
    value = money(s.clv_12m) if s is not None and s.clv_12m is not None else DASH
    return format_html('<td class="num">{}</td>', value)


def _churn(c: Customer, s: Any) -> SafeString:
    if s is None or s.churn_risk is None:
        return format_html('<td class="num">{}</td>', DASH)
    return format_html(
        '<td class="num"><span class="badge risk-{}">{}</span></td>',
        churn_band(s.churn_risk),
        percent(s.churn_risk),
    )


CELLS: dict[str, Callable[[Customer, Any], SafeString]] = {
    "name": _name,
    "kind": lambda c, s: format_html(
        '<td><span class="badge badge-{}">{}</span></td>', c.kind, c.get_kind_display()
    ),
    "source": lambda c, s: format_html("<td>{}</td>", c.get_source_display()),
    "country": lambda c, s: format_html(
        "<td>{}{}{}</td>", c.city, ", " if c.city and c.country else "", c.country
    ),
    "orders_count": lambda c, s: format_html('<td class="num">{}</td>', intcomma(c.orders_count)),
    "total_spent": lambda c, s: format_html('<td class="num">{}</td>', money(c.total_spent)),
    "last_order_at": _last_order,
    "created_at": lambda c, s: format_html(
        "<td>{}</td>", date_filter(localtime(c.created_at), "DATE_FORMAT")
    ),
    "segment": _segment,
    "clv_12m": _clv,
    "churn_risk": _churn,
}


@register.simple_tag
def customer_cells(customer: Customer, columns: Iterable[Any]) -> SafeString:
    """One ``<td>`` per shown column (``collaboration.columns``), in the columns' order."""
    score = _score(customer)
    return mark_safe("".join(CELLS[column.key](customer, score) for column in columns))  # noqa: S308
