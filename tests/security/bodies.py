"""The smallest request body an operation's OpenAPI schema accepts, so that a refused role's write
reaches the capability check (django-ninja validates the body first and would answer 422)."""

from __future__ import annotations

from functools import cache
from typing import Any

from smartcrm.api.main import api

FORMATS = {
    "date-time": "2024-01-02T03:04:05Z",
    "date": "2024-01-02",
    "email": "someone@example.com",
    "uri": "https://example.com/",
}


@cache
def _schema() -> dict[str, Any]:
    return dict(api.get_openapi_schema())


def minimal_body(operation_id: str) -> dict[str, Any] | None:
    """None when the operation takes no JSON body (a multipart upload is sent as an empty form)."""
    schema = _schema()
    for path in schema["paths"].values():
        for operation in path.values():
            if operation["operationId"] == operation_id:
                content = operation.get("requestBody", {}).get("content", {})
                if "application/json" not in content:
                    return None
                return dict(_instance(content["application/json"]["schema"], schema["components"]["schemas"]))
    raise KeyError(operation_id)


def _instance(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    if "$ref" in schema:
        return _instance(components[schema["$ref"].rsplit("/", 1)[1]], components)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            return _instance(options[0], components)
    if "default" in schema:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type", "object")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: _instance(properties[name], components) for name in schema.get("required", [])}
    if kind == "array":
        return [_instance(schema.get("items", {}), components) for _ in range(schema.get("minItems", 0))]
    if kind == "string":
        return FORMATS.get(schema.get("format", ""), "x" * max(1, schema.get("minLength", 1)))
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    return None
