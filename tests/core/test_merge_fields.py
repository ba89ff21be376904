"""Merge fields: rendered as text (escaped for HTML), defaults for empty values, unknown fields
reported, and nothing else of a template language."""

from __future__ import annotations

from smartcrm.core.merge_fields import fields_in, render, unknown_fields


def test_fields_render_with_defaults_and_escape_for_html() -> None:
    template = 'Hi {{ first_name|default:"there" }}, your code is {{code}}. {{ missing }}'
    assert render(template, {"first_name": "Ann", "code": "X1"}) == "Hi Ann, your code is X1. "
    assert render(template, {"first_name": "", "code": "X1"}).startswith("Hi there,")
    hostile = {"first_name": "<script>alert(1)</script>", "code": "1"}
    assert "<script>" not in render(template, hostile, html=True)
    assert "<script>" in render(template, hostile)  # plain text stays as written


def test_unknown_fields_are_reported_and_template_syntax_is_not_run() -> None:
    assert fields_in("{{ a }} {{ b }} {{ a }}") == ["a", "b"]
    assert unknown_fields("{{ first_name }} {{ password }}", ["first_name"]) == ["password"]
    assert render("{% load os %}{{ a.b }}{{ 7*7 }}", {"a": 1}) == "{% load os %}{{ a.b }}{{ 7*7 }}"
