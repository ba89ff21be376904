"""Check every API response against the OpenAPI document the API publishes about itself."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from django.http import HttpResponse
from jsonschema import Draft202012Validator

from smartcrm.api.main import api

PREFIX = "/api/v1"


@cache
def openapi_document() -> dict[str, Any]:
    """The document as clients get it (JSON round trip: status codes become strings)."""
    return json.loads(json.dumps(api.get_openapi_schema()))


@cache
def _templates() -> list[tuple[re.Pattern[str], str]]:
    routes = []
    for template in openapi_document()["paths"]:
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        routes.append((re.compile(f"^{pattern}$"), template))
    # Literal segments win over parameters (/customers/x/tags before /customers/{id}).
    routes.sort(key=lambda r: r[1].count("{"))
    return routes


def find_operation(method: str, path: str) -> tuple[str, dict[str, Any]]:
    path = path.split("?", 1)[0]
    for pattern, template in _templates():
        if pattern.match(path):
            operations = openapi_document()["paths"][template]
            assert method.lower() in operations, f"{method} {template} is not in the OpenAPI document"
            return template, operations[method.lower()]
    raise AssertionError(f"{path} matches no path of the OpenAPI document")


def validate_response(method: str, path: str, response: HttpResponse) -> None:
    """Fail unless the status code is declared for the operation and the body matches its schema."""
    template, operation = find_operation(method, path)
    status = str(response.status_code)
    declared = operation["responses"]
    assert status in declared, (
        f"{method} {template} answered {status}, which it does not declare ({sorted(declared)}): "
        f"{response.content[:500]!r}"
    )
    content = declared[status].get("content")
    if not content:
        assert not response.content, f"{method} {template} {status} should have no body"
        return
    assert response["Content-Type"].startswith("application/json")
    schema = {**content["application/json"]["schema"], "components": openapi_document()["components"]}
    errors = sorted(Draft202012Validator(schema).iter_errors(response.json()), key=str)
    assert not errors, f"{method} {template} {status} does not match its schema: {errors[0]}"
