"""API errors speak the request's language (Accept-Language): the ``detail`` and each field's
``msg`` are translated, the ``code`` stays the same machine-readable English."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from smartcrm.accounts.models import User
from smartcrm.accounts.roles import Role
from tests.api.client import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_language(token_for: Callable[[Role], tuple[User, str]]) -> Callable[[Role, str], ApiClient]:
    def make(role: Role, language: str) -> ApiClient:
        _, raw = token_for(role)
        return ApiClient(raw, HTTP_ACCEPT_LANGUAGE=language)

    return make


@pytest.mark.parametrize(
    ("language", "detail"), [("zh-Hans,zh;q=0.9", "未找到。"), ("zh-CN", "未找到。"), ("en-GB", "Not found.")]
)
def test_not_found_in_the_requests_language(in_language: Any, language: str, detail: str) -> None:
    response = in_language(Role.ADMIN, language).get("/customers/987654321")
    assert response.status_code == 404
    assert response.json() == {"detail": detail, "code": "not_found"}


def test_a_role_refusal_in_chinese_keeps_its_code(in_language: Any) -> None:
    body = in_language(Role.ANALYST, "zh-hans").post("/customers", {"first_name": "安"}).json()
    assert body == {"detail": "您的角色无权执行此操作（edit_customers）。", "code": "permission_denied"}


def test_a_services_field_errors_in_chinese_and_in_english(in_language: Any) -> None:
    payload = {"first_name": "安", "email": "not-an-email", "country": "c1"}
    chinese = in_language(Role.ADMIN, "zh-hans").post("/customers", payload).json()
    assert chinese["code"] == "invalid"
    assert {e["loc"][-1]: (e["msg"], e["code"]) for e in chinese["detail"]} == {
        "email": ("请输入有效的电子邮件地址。", "invalid"),
        "country": ("请使用两个字母的 ISO 国家代码。", "invalid"),
    }
    english = in_language(Role.ADMIN, "en").post("/customers", payload).json()
    assert {e["loc"][-1]: e["msg"] for e in english["detail"]} == {
        "email": "Enter a valid email address.",
        "country": "Use a two-letter ISO country code.",
    }


def test_schema_errors_in_chinese_keep_their_type(in_language: Any) -> None:
    payload = {"first_name": "安", "country": "China", "birthday": "soon"}
    body = in_language(Role.ADMIN, "zh-hans").post("/customers", payload).json()
    assert {e["loc"][-1]: (e["msg"], e["type"], e["code"]) for e in body["detail"]} == {
        "country": ("最多 2 个字符。", "string_too_long", "invalid"),
        "birthday": ("请按 YYYY-MM-DD 格式输入日期。", "date_from_datetime_parsing", "invalid"),
    }
    english = in_language(Role.ADMIN, "en").post("/customers", payload).json()
    assert {e["loc"][-1]: e["msg"] for e in english["detail"]} == {
        "country": "At most 2 characters.",
        "birthday": "Enter a date as YYYY-MM-DD.",
    }


def test_an_unreadable_body_and_no_credentials_in_chinese(in_language: Any) -> None:
    response = in_language(Role.ADMIN, "zh-hans").post("/customers", raw="{not json")
    assert response.json() == {"detail": "无法解析请求正文", "code": "bad_request"}
    anonymous = ApiClient(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/customers").json()
    assert anonymous == {"detail": "未登录或凭据无效", "code": "not_authenticated"}


def test_an_unknown_path_in_chinese(in_language: Any) -> None:
    response = in_language(Role.ADMIN, "zh-hans").client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到", "code": "not_found"}
