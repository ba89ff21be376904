"""The columns a list page shows: those in its query string (``?columns=name&columns=total_spent``,
as a saved view's link or the column picker sets them), checked against the list's allow-list."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, QueryDict

from smartcrm.collaboration import columns
from smartcrm.core.errors import ServiceValidationError


def column_context(request: HttpRequest, list_kind: str, source: QueryDict | None = None) -> dict[str, Any]:
    """``columns`` to print, the ``column_picker`` rows, and ``column_error`` for an unknown name
    (the list is then shown with its default columns). ``source``: where the choice is, when
    not in the request's own fields."""
    if source is None:
        source = request.POST if request.method == "POST" else request.GET
    try:
        chosen, error = columns.check(list_kind, source.getlist("columns")), ""
    except ServiceValidationError as exc:
        chosen, error = [], exc.errors["columns"]
    return {
        "columns": columns.shown(list_kind, chosen),
        "column_keys": chosen,
        "column_picker": columns.picker(list_kind, chosen),
        "column_error": error,
    }
