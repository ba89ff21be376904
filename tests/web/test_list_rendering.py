"""The customer list's rows and filter selects, rendered in Python for speed (bench/README.md
"Web tier"), give the same HTML as the template markup and Django widgets they replaced."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.template import Context, Template
from django.utils import timezone

from smartcrm.collaboration import columns
from smartcrm.collaboration.models import ListKind
from smartcrm.customers.models import Customer, Note
from smartcrm.readmodels.customer_list import CustomerFilters, filter_customers
from smartcrm.web.templatetags.customer_cells import customer_cells
from smartcrm.web.widgets import QuickSelect
from tests import factories
from tests.web.scores import make_score

pytestmark = pytest.mark.django_db

# The list's cells as template markup, as _results.html wrote them before customer_cells.
TEMPLATE_CELLS = (
    "{% load humanize web_format i18n %}{% for col in columns %}{% with s=c.score %}\n"
    '{% if col.key == "name" %}<td>\n'
    '  <a class="row-link" href="{% url \'web:customer_detail\' c.id %}">{{ c.name }}</a>\n'
    '  {% if c.company_name and c.kind == "person" %}<div class="muted small">{{ c.company_name'
    " }}</div>{% endif %}\n"
    "</td>\n"
    '{% elif col.key == "kind" %}<td><span class="badge badge-{{ c.kind }}">{{ c.get_kind_displ'
    "ay }}</span></td>\n"
    '{% elif col.key == "source" %}<td>{{ c.get_source_display }}</td>\n'
    '{% elif col.key == "country" %}<td>{{ c.city }}{% if c.city and c.country %}, {% endif %}{'
    "{ c.country }}</td>\n"
    '{% elif col.key == "orders_count" %}<td class="num">{{ c.orders_count|intcomma }}</td>\n'
    '{% elif col.key == "total_spent" %}<td class="num">{{ c.total_spent|money }}</td>\n'
    '{% elif col.key == "last_order_at" %}<td>{% if c.last_order_at %}<time datetime="{{ c.last'
    "_order_at|date:'c' }}\" title=\"{{ c.last_order_at|date:'M j, Y H:i' }}\">{{ c.last_order_at|"
    'naturalday:"M j, Y" }}</time>{% else %}<span class="muted">{% translate "Never" %}</span>{'
    "% endif %}</td>\n"
    '{% elif col.key == "created_at" %}<td>{{ c.created_at|date:"DATE_FORMAT" }}</td>\n'
    '{% elif col.key == "segment" %}<td>{% if s.segment %}<a href="?segment={{ s.segment|urlenc'
    'ode }}">{{ s.segment|segment_title }}</a>{% else %}<span class="muted">—</span>{% endif %}'
    "</td>\n"
    '{% elif col.key == "clv_12m" %}<td class="num">{% if s and s.clv_12m is not None %}{{ s.cl'
    'v_12m|money }}{% else %}<span class="muted">—</span>{% endif %}</td>\n'
    '{% elif col.key == "churn_risk" %}<td class="num">{% if s and s.churn_risk is not None %}<'
    'span class="badge risk-{{ s.churn_risk|churn_band }}">{{ s.churn_risk|percent }}</span>{% '
    'else %}<span class="muted">—</span>{% endif %}</td>\n'
    "{% endif %}{% endwith %}{% endfor %}"
)


def _tight(html: str) -> str:
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", html).strip()


def test_python_cells_equal_the_template_markup_they_replaced() -> None:
    now = timezone.now()
    person = factories.CustomerFactory(
        name='Ada <b>"Lovelace"</b> & co',
        company_name="Analytical <Engines>",
        kind="person",
        city="London",
        country="GB",
        orders_count=12345,
        total_spent=Decimal("1234.5"),
        last_order_at=now - timedelta(days=1),
    )
    make_score(person, segment="at_risk", clv_12m=Decimal("99.99"), churn_risk=0.72)
    factories.CustomerFactory(name="Never Ordered", kind="company", city="", last_order_at=None)
    factories.CustomerFactory(name="Today", country="", last_order_at=now)
    shown = columns.shown(ListKind.CUSTOMERS, [])
    template = Template(TEMPLATE_CELLS)
    rows = list(filter_customers(CustomerFilters(sort="name")))
    assert len(rows) >= 3
    for customer in rows:
        expected = template.render(Context({"c": customer, "columns": shown}))
        assert _tight(customer_cells(customer, shown)) == _tight(expected)
    chosen = columns.shown(ListKind.CUSTOMERS, ["churn_risk", "name"])
    assert _tight(customer_cells(rows[0], chosen)) == _tight(
        template.render(Context({"c": rows[0], "columns": chosen}))
    )


@pytest.mark.parametrize("value", ["", "b", "nothing-like-it"])
def test_quick_select_renders_what_django_select_renders(value: str) -> None:
    choices: list[tuple[Any, Any]] = [("", "Any <source>"), ("a", "A & B"), ("b", '"Quoted"')]
    attrs = {"id": "id_source", "data-x": True}
    quick = QuickSelect(choices=choices).render("source", value, attrs)
    assert quick == forms.Select(choices=choices).render("source", value, attrs)


def _search(term: str) -> set[str]:
    return {c.name for c in filter_customers(CustomerFilters(search=term))}


def test_search_finds_a_rare_term_by_its_ids_and_a_common_one_by_the_walk(monkeypatch: Any) -> None:
    for i in range(4):
        factories.CustomerFactory(name=f"Smith {i}", search_text=f"smith {i}")
    noted = factories.CustomerFactory(name="Noted", search_text="noted")
    author = factories.UserFactory()
    Note.objects.create(customer=noted, body="Asked about Smithsonian tickets", author=author)
    factories.CustomerFactory(name="Other", search_text="other")
    everyone = {f"Smith {i}" for i in range(4)} | {"Noted"}
    assert _search("smith") == everyone  # five matches: looked up by id
    assert _search("smith 2") == {"Smith 2"}  # every word must match
    monkeypatch.setattr("smartcrm.readmodels.customer_list.FEW_MATCHES", 2)
    assert _search("smith") == everyone  # too many for the id lookup: the same answer by the walk
    assert _search("sm") == everyone  # under three characters: the walk
    assert Customer.objects.count() == 6
