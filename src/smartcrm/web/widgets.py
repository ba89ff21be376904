"""A ``<select>`` built in Python, with the same HTML as Django's template-rendered one.

Django renders a select through its form templates: one ``{% include %}`` per option, and the
customer list's filter form holds seven selects with about eighty options, a fifth of the page's
CPU time (bench/pages.py). The lists' filter forms use this one instead.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


class QuickSelect(forms.Select):
    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            rows = format_html_join(
                "",
                '\n  <option value="{}"{}>{}</option>\n',
                ((str(o["value"]), flatatt(o["attrs"]), o["label"]) for o in options),
            )
            groups.append(
                format_html('\n  <optgroup label="{}">{}\n  </optgroup>', group_name, rows)
                if group_name
                else rows
            )
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(groups)),  # noqa: S308
        )
