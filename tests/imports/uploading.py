"""Upload an import file through the API, the way a client does, with the answer checked against
the OpenAPI document."""

from __future__ import annotations

import io
from typing import Any

from tests.api.client import ApiClient
from tests.api.openapi import validate_response


def upload_import(client: ApiClient, content: bytes, name: str = "c.csv", **data: Any) -> Any:
    upload = io.BytesIO(content)
    upload.name = name
    response = client.client.post("/api/v1/imports", {"kind": "customers", "file": upload, **data})
    validate_response("POST", "/api/v1/imports", response)
    return response
