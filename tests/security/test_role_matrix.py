"""The permission matrix, walked: every page and API operation, as every role and as an anonymous
visitor, answers what its declared capability (accounts/access.py) and the role table
(accounts/roles.py) say — and a role without ``view_pii`` never sees a customer's email, phone or
street address.

Pages: GET for everyone (allowed → 200, refused → 403, anonymous → the login page); a page that
only takes POST (a write) is posted to, empty, by the refused roles and the anonymous visitor,
whose requests stop before any effect. API: every GET for everyone (allowed → 200, refused → 403,
anonymous → 401), every write by the refused roles and the anonymous visitor (403 / 401). Routes
whose row the small shop does not build answer 404 to allowed roles (tests/security/shop.py).
Django's admin: its index for every role (only the admin role has ``is_staff``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from smartcrm.accounts.models import User
from smartcrm.accounts.roles import CAPABILITIES, Capability, Role
from smartcrm.accounts.routes import Route, routes
from tests.security.bodies import minimal_body
from tests.security.shop import ADDRESS, EMAIL, PHONE, MatrixShop, build, url_kwargs

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
JSON = "application/json"
# Query parameters an operation requires.
QUERIES = {"smartcrm_api_textanalysis_negative_share": {"start": "2024-01-01", "end": "2024-01-31"}}
# Allowed, and answering something else than 200 by design.
STATUSES = {
    "web:import_map": 400,  # the run has no uploaded file to map: "upload again"
    "web:import_preview": 400,
    "smartcrm_api_intelligence_get_scores": 404,  # the customer has no scores yet
    "web:dashboards": 302,  # to the board of the user's role
}
# Refused, but django-ninja reads a multipart upload's form before the operation runs: an empty
# one is 422 whoever sends it (a valid upload from a refused role is 403, tests/imports).
REFUSED_AFTER_THE_FORM = {"smartcrm_api_imports_upload": 422, "smartcrm_api_attachments_upload": 422}
_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")


def _url(route: Route, kwargs: dict[str, Any]) -> str:
    return "/" + _ARGUMENT.sub(lambda m: str(kwargs[m.group(1)]), route.path)


def _allowed(role: Role | str, route: Route, kwargs: dict[str, Any]) -> bool:
    if role == ANONYMOUS:
        return False
    assert route.access is not None
    capability = route.access.required(kwargs)
    return capability is None or capability in CAPABILITIES[Role(role)]


def _body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _staff_routes() -> list[Route]:
    return [r for r in routes() if r.access is not None and not r.access.public and not r.admin]


class Walk:
    def __init__(self, role: Role | str, shop: MatrixShop) -> None:
        self.role, self.shop = role, shop
        self.wrong: list[str] = []
        self.seen_pii = False

    def check(self, route: Route, method: str, status: int, body: bytes, expected: set[int]) -> None:
        if status not in expected:
            self.wrong.append(f"{self.role} {method} {route.label}: {status}, expected {sorted(expected)}")
        if any(value.encode() in body for value in (EMAIL, PHONE, ADDRESS)):
            self.seen_pii = True
            if self.role == ANONYMOUS or not CAPABILITIES[Role(self.role)] >= {Capability.VIEW_PII}:
                self.wrong.append(
                    f"{self.role} {method} {route.label}: the customer's email or phone in clear"
                )


def _walk_pages(walk: Walk, client: Client) -> None:
    for route in _staff_routes():
        if route.method:
            continue
        kwargs, missing = url_kwargs(walk.shop, route.path, route.url_parameters())
        url, allowed = _url(route, kwargs), _allowed(walk.role, route, kwargs)
        response = client.get(url)
        if response.status_code == 405:  # a write: only refusals are exercised
            if allowed:
                continue
            response = client.post(url, {})
        if walk.role == ANONYMOUS:
            good = response.status_code == 302 and response["Location"].startswith("/login/")
            if not good:
                walk.wrong.append(f"anonymous {route.label}: {response.status_code}, not sent to /login/")
            continue
        expected = ({404} if missing else {STATUSES.get(route.name, 200)}) if allowed else {403}
        walk.check(route, "GET", response.status_code, _body(response), expected)


def _walk_api(walk: Walk, api: Client) -> None:
    for route in _staff_routes():
        if not route.method:
            continue
        kwargs, missing = url_kwargs(walk.shop, route.path, route.url_parameters())
        allowed = _allowed(walk.role, route, kwargs)
        if route.method != "GET" and allowed:
            continue  # writes: only refusals, which change nothing
        call = getattr(api, route.method.lower())
        if route.method == "GET":
            response = call(_url(route, kwargs), QUERIES.get(route.name, {}))
        elif (body := minimal_body(route.name)) is None:
            response = call(_url(route, kwargs))  # an upload (multipart) or no body at all
        else:
            response = call(_url(route, kwargs), json.dumps(body), content_type=JSON)
        if walk.role == ANONYMOUS:
            expected = {401}
        else:
            refused = REFUSED_AFTER_THE_FORM.get(route.name, 403)
            expected = ({404} if missing else {STATUSES.get(route.name, 200)}) if allowed else {refused}
        walk.check(route, route.method, response.status_code, _body(response), expected)


@pytest.mark.parametrize("role", [*Role, ANONYMOUS])
def test_every_page_and_operation_answers_as_the_matrix_says(
    role: Role | str, make_user: Callable[..., User], token_for: Callable[[Role], tuple[User, str]]
) -> None:
    shop = build()
    walk = Walk(role, shop)
    client, api = Client(raise_request_exception=False), Client(raise_request_exception=False)
    if role != ANONYMOUS:
        user, raw = token_for(Role(role))
        client.force_login(user)
        api = Client(headers={"Authorization": f"Bearer {raw}"}, raise_request_exception=False)
    _walk_pages(walk, client)
    _walk_api(walk, api)
    admin = client.get("/admin/")
    if role == Role.ADMIN:
        assert admin.status_code == 200
    else:
        assert admin.status_code == 302 and admin["Location"].startswith("/admin/login/")
    assert walk.wrong == [], "\n".join(walk.wrong)
    # The PII check can fail: the roles that may see contact details did see them somewhere.
    assert walk.seen_pii is (role != ANONYMOUS and Capability.VIEW_PII in CAPABILITIES[Role(role)])
