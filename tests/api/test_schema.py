"""The published OpenAPI document: valid, complete, and the docs page served without a CDN."""

from __future__ import annotations

import json
import re
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from openapi_spec_validator import validate

from tests.api.openapi import PREFIX, openapi_document


def _api_routes() -> set[str]:
    """Every URL pattern under /api/v1, written as OpenAPI path templates."""
    found: set[str] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                found.add("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))

    walk(get_resolver().url_patterns, "")
    # The chat widget's API (/api/v1/chat/) is a separate document (tests/assistant/test_widget_api.py).
    return {r for r in found if r.startswith(PREFIX + "/") and not r.startswith(PREFIX + "/chat/")}


def test_the_document_is_valid_openapi_3(db: Any) -> None:
    document = Client().get(f"{PREFIX}/openapi.json").json()
    validate(document)
    assert document["openapi"].startswith("3.")
    assert document == openapi_document()


def test_the_served_document_has_no_repeated_keys(db: Any) -> None:
    """A key written twice (an int 200 and a string "200" both serialise as "200") is valid JSON
    for Python but a YAML parser error for the interactive docs, which then render nothing."""
    repeated: list[str] = []

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _ in pairs]
        repeated.extend(sorted({key for key in keys if keys.count(key) > 1}))
        return dict(pairs)

    json.loads(Client().get(f"{PREFIX}/openapi.json").content, object_pairs_hook=unique)
    assert repeated == []


def test_every_api_route_is_in_the_document() -> None:
    documented = set(openapi_document()["paths"])
    # The document and the docs page describe the API; the root is ninja's anchor for reverse().
    not_operations = {f"{PREFIX}/openapi.json", f"{PREFIX}/docs", f"{PREFIX}/"}
    undocumented = _api_routes() - documented - not_operations
    assert not undocumented
    assert len(documented) >= 15


def test_operations_have_summaries_tags_unique_ids_and_declared_errors() -> None:
    ids = []
    for path, operations in openapi_document()["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method} {path}"
            assert operation.get("tags"), f"{method} {path}"
            ids.append(operation["operationId"])
            assert {"401", "403"} <= set(operation["responses"]), f"{method} {path}"
            assert operation["security"] == [{"BearerAuth": []}, {"SessionAuth": []}]
            if "requestBody" in operation:
                assert {"400", "422"} <= set(operation["responses"]), f"{method} {path}"
    assert len(ids) == len(set(ids))


def test_docs_are_served_from_our_own_static_files(db: Any) -> None:
    response = Client().get(f"{PREFIX}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/" in html
    assert not re.search(r"https?://(?!testserver)[^\"' ]*\.(js|css)", html), "docs load assets from a CDN"


def test_docs_assets_are_served(db: Any) -> None:
    html = Client().get(f"{PREFIX}/docs").content.decode()
    for asset in re.findall(r"(/static/[^\"']+\.(?:js|css))", html):
        assert Client().get(asset).status_code == 200, asset
