"""An API client that sends a bearer token and checks every response against the OpenAPI document.

The fixtures that make one (``api_as``, ``admin_api``, ``anonymous_api``, ``token_for``) live in
``tests/conftest.py`` so that every test package can use them without importing a conftest.
"""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from smartcrm.accounts.models import User
from tests.api.openapi import PREFIX, validate_response


class ApiClient:
    """``django.test.Client`` for /api/v1: JSON in, and each response validated before it is returned."""

    def __init__(self, raw_token: str | None = None, user: User | None = None, **client_kwargs: Any) -> None:
        headers = {"Authorization": f"Bearer {raw_token}"} if raw_token else {}
        self.client = Client(headers=headers, **client_kwargs)
        self.user = user

    def request(self, method: str, path: str, body: Any = None, *, raw: bytes | str | None = None) -> Any:
        url = path if path.startswith(PREFIX) else PREFIX + path
        call = getattr(self.client, method.lower())
        if raw is not None:
            response = call(url, data=raw, content_type="application/json")
        elif body is not None:
            response = call(url, data=json.dumps(body), content_type="application/json")
        else:
            response = call(url)
        validate_response(method.upper(), url, response)
        return response

    def get(self, path: str) -> Any:
        return self.request("GET", path)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.request("POST", path, body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.request("PUT", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.request("PATCH", path, body, **kwargs)

    def delete(self, path: str) -> Any:
        return self.request("DELETE", path)
