"""Helpers shared by the views: list pages that answer htmx with just their results."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from smartcrm.web.access import is_htmx
from smartcrm.web.list_columns import column_context


def render_list(
    request: HttpRequest,
    page_template: str,
    results_template: str,
    context: dict[str, Any],
    *,
    list_kind: str = "",
) -> HttpResponse:
    """The whole page, or only the results when htmx swaps them in after a filter changes.
    A ``list_kind`` list shows the columns its query string chose (400 for an unknown one)."""
    template = results_template if is_htmx(request) else page_template
    if list_kind:
        context = context | column_context(request, list_kind)
    response = render(request, template, context, status=400 if context.get("column_error") else 200)
    # The same URL answers with two bodies: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response
