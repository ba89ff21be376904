"""An API client that sends a bearer token and checks every response against the OpenAPI document."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from smartcrm.accounts.models import User
from smartcrm.accounts.roles import Role
from smartcrm.accounts.services import create_api_token
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


@pytest.fixture
def token_for(make_user: Any) -> Callable[[Role], tuple[User, str]]:
    """A user with this role and a fresh raw API token of theirs."""

    def make(role: Role) -> tuple[User, str]:
        user = make_user(role)
        _, raw = create_api_token(user=user, name=f"{role.value} token")
        return user, raw

    return make


@pytest.fixture
def api_as(token_for: Callable[[Role], tuple[User, str]]) -> Callable[[Role], ApiClient]:
    """``api_as(Role.SUPPORT)``: a client authenticated with a bearer token of that role."""

    def make(role: Role) -> ApiClient:
        user, raw = token_for(role)
        return ApiClient(raw, user=user)

    return make


@pytest.fixture
def admin_api(api_as: Callable[[Role], ApiClient]) -> ApiClient:
    return api_as(Role.ADMIN)


@pytest.fixture
def anonymous_api(db: Any) -> ApiClient:
    return ApiClient()
