"""Schemathesis against the whole OpenAPI document, through the WSGI application in this process.

Each operation gets generated requests — valid ones and, from the schema's own bounds, invalid
ones — sent as an admin and as a low-privilege role (analyst). Every answer must: not be a 5xx,
use a status code the operation declares, match the declared schema, and (a 4xx) carry a JSON
error ``code``. ``SMARTCRM_FUZZ_EXAMPLES`` sets the examples per operation (100 in ``make test``,
500 in ``make fuzz``); ``SMARTCRM_FUZZ_PATHS`` (a regular expression) fuzzes only matching paths.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import CheckContext
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from smartcrm.accounts.roles import Role
from smartcrm.accounts.services import create_api_token
from tests import factories

EXAMPLES = int(os.environ.get("SMARTCRM_FUZZ_EXAMPLES", "100"))
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
if os.environ.get("SMARTCRM_FUZZ_PATHS"):  # a regular expression: fuzz only the paths it matches
    schema = schema.include(path_regex=os.environ["SMARTCRM_FUZZ_PATHS"])


@schemathesis.check
def four_xx_has_an_error_code(ctx: CheckContext, response: Any, case: Any) -> bool | None:
    if 400 <= response.status_code < 500:
        body = response.json()
        assert isinstance(body, dict) and isinstance(body.get("code"), str) and body["code"], body
    return True


@schemathesis.check
def no_server_error(ctx: CheckContext, response: Any, case: Any) -> bool | None:
    assert response.status_code < 500, response.text[:500]
    return True


CHECKS = [no_server_error, status_code_conformance, response_schema_conformance, four_xx_has_an_error_code]


@pytest.fixture
def kept_connection() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request, which would end the
    test's transaction; Django's own test client keeps it open the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db: Any, kept_connection: None) -> list[str]:
    """An admin's and an analyst's token, and a few rows the generated ids may find."""
    factories.OrderLineFactory()
    factories.TicketMessageFactory()
    factories.DealFactory()
    raws = []
    for role in (Role.ADMIN, Role.ANALYST):
        user = factories.UserFactory(role=role, username=f"fuzz-{role.value}")
        raws.append(create_api_token(user=user, name="fuzz")[1])
    return raws


@pytest.mark.schemathesis
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_api_conforms_to_its_schema(case: Any, tokens: list[str]) -> None:
    for raw in tokens:
        response = case.call(headers={"Authorization": f"Bearer {raw}"})
        case.validate_response(response, checks=CHECKS)
