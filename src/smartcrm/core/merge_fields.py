"""Merge fields in message templates: ``{{ first_name }}`` and ``{{ first_name|default:"there" }}``.

One small syntax for every message the shop sends (workflow emails, campaigns), checked when
the template is saved: a field the sender does not offer is an error there, not a blank in a
customer's inbox. Values are inserted as text; ``html=True`` escapes them for an HTML body.
Nothing else of a template language is offered, so a template cannot run code or read data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from django.utils.html import escape

FIELD = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*(?:\|\s*default\s*:\s*\"([^\"{}]*)\"\s*)?\}\}")


def fields_in(template: str) -> list[str]:
    return list(dict.fromkeys(m.group(1) for m in FIELD.finditer(template)))


def unknown_fields(template: str, allowed: Iterable[str]) -> list[str]:
    """Fields ``template`` uses that are not in ``allowed`` (to report when it is saved)."""
    known = set(allowed)
    return [name for name in fields_in(template) if name not in known]


def render(template: str, values: Mapping[str, object], *, html: bool = False) -> str:
    """``template`` with each field replaced by its value (empty or missing: the default, or "")."""

    def value(match: re.Match[str]) -> str:
        found = values.get(match.group(1))
        text = str(found) if found not in (None, "") else (match.group(2) or "")
        return str(escape(text)) if html else text

    return FIELD.sub(value, template)
