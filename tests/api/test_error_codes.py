"""Every API error body carries a ``code`` beside its ``detail`` (see docs/api.md, Errors)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from smartcrm.accounts.roles import Role
from smartcrm.api.errors import renamed_fields, validation_detail
from smartcrm.core.errors import ErrorCode, NotFoundError, ServiceValidationError
from tests.api.client import ApiClient

pytestmark = pytest.mark.django_db


def test_unreadable_body_is_bad_request(admin_api: ApiClient) -> None:
    response = admin_api.post("/customers", raw="{not json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body", "code": "bad_request"}


def test_no_credentials_is_not_authenticated(anonymous_api: ApiClient) -> None:
    assert anonymous_api.get("/customers").json()["code"] == "not_authenticated"


def test_a_role_without_the_capability_is_permission_denied(api_as: Callable[[Role], ApiClient]) -> None:
    response = api_as(Role.ANALYST).post("/customers", {"first_name": "Ann"})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "does not allow" in response.json()["detail"]


def test_an_unknown_id_is_not_found(admin_api: ApiClient) -> None:
    response = admin_api.get("/customers/987654321")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_a_refused_field_is_invalid_in_the_body_and_in_each_error(admin_api: ApiClient) -> None:
    response = admin_api.post("/customers", {"first_name": "Ann", "email": "not-an-email"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    (error,) = body["detail"]
    assert error == {
        "loc": ["body", "payload", "email"],
        "msg": "Enter a valid email address.",
        "type": "value_error",
        "code": "invalid",
    }


def test_a_schema_error_is_invalid_too(admin_api: ApiClient) -> None:
    body = admin_api.post("/customers", {"first_name": 42}).json()
    assert body["code"] == "invalid"
    assert {e["code"] for e in body["detail"]} == {"invalid"}
    assert all("type" in e and "msg" in e for e in body["detail"])


def test_a_service_may_give_a_field_its_own_code() -> None:
    exc = ServiceValidationError({"email": "Taken.", "name": "Required."}, {"email": "duplicate"})
    assert exc.codes == {"email": "duplicate", "name": ErrorCode.INVALID}
    assert [e["code"] for e in validation_detail(exc)] == ["duplicate", "invalid"]
    with pytest.raises(ServiceValidationError) as renamed, renamed_fields({"email": "email_address"}):
        raise exc
    assert renamed.value.codes == {"email_address": "duplicate", "name": "invalid"}


def test_the_codes_of_the_core_errors() -> None:
    assert ServiceValidationError.code == "invalid"
    assert NotFoundError.code == "not_found"
