"""The columns a list page shows: those in its query string (``?columns=name&columns=total_spent``,
as a saved view's link or the column picker sets them), checked against the list's allow-list,
in that order; the picker's up and down links are the same address with two columns swapped."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, QueryDict

from smartcrm.collaboration import columns
from smartcrm.core.errors import ServiceValidationError


def column_context(request: HttpRequest, list_kind: str, source: QueryDict | None = None) -> dict[str, Any]:
    """``columns`` to print, the ``column_picker`` rows, and ``column_error`` for an unknown name
    (the list is then shown with its default columns). ``source``: where the choice is, when
    not in the request's own fields."""
    if source is None:
        source = request.POST if request.method == "POST" else request.GET
    # the links carry the address's own fields: never a privately posted search (an email)
    linked = request.GET if source is request.POST else source
    try:
        chosen, error = columns.check(list_kind, source.getlist("columns")), ""
    except ServiceValidationError as exc:
        chosen, error = [], exc.errors["columns"]
    return {
        "columns": columns.shown(list_kind, chosen),
        "column_keys": chosen,
        "column_picker": [
            (column, on, _move_links(list_kind, linked, chosen, column.key) if on else None)
            for column, on in columns.picker(list_kind, chosen)
        ],
        "column_error": error,
    }


def _move_links(list_kind: str, source: QueryDict, chosen: list[str], key: str) -> tuple[str, str]:
    """The query strings that show the list with ``key`` one place up and one place down (the
    other fields kept, back to the first page); empty where it cannot move."""
    kept = [
        (name, value)
        for name, values in source.lists()
        if name not in ("columns", "page", "csrfmiddlewaretoken")
        for value in values
    ]
    shown = [column.key for column in columns.shown(list_kind, chosen)]
    links = []
    for direction in (columns.UP, columns.DOWN):
        order = columns.moved(list_kind, chosen, key, direction)
        links.append("" if order == shown else urlencode([*kept, *(("columns", c) for c in order)]))
    return links[0], links[1]
