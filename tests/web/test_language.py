"""The interface language: the user's own choice, the browser's for visitors, the header switch
(a CSRF-checked POST to set_language) and the JavaScript catalog."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django.urls import reverse

from smartcrm.accounts.models import User
from smartcrm.accounts.roles import Role
from tests.web.conftest import Shop


def test_a_user_who_chose_chinese_gets_the_pages_in_chinese(shop: Shop, make_user: Any) -> None:
    user = make_user(Role.MANAGER)
    user.language = "zh-hans"
    user.save(update_fields=["language"])
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    page = client.get(reverse("web:dashboard")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "<h1>仪表盘</h1>" in page
    assert "月度收入" in page
    assert ">客户<" in page  # the navigation
    assert "Monthly revenue" not in page
    detail = client.get(reverse("web:ticket_detail", args=[shop.ticket.pk])).content.decode()
    assert "Gear arrived bent" in detail  # the data stays as written
    assert "内部备注（不发送给客户）" in detail  # a form label


def test_a_user_without_a_choice_follows_the_browser(shop: Shop, make_user: Any) -> None:
    client = Client(headers={"accept-language": "zh-CN,zh;q=0.9,en;q=0.5"})
    client.force_login(make_user(Role.MANAGER))
    assert "<h1>仪表盘</h1>" in client.get(reverse("web:dashboard")).content.decode()
    english = Client(headers={"accept-language": "en-US,en;q=0.9"})
    english.force_login(make_user(Role.SALES))
    assert "<h1>Dashboard</h1>" in english.get(reverse("web:dashboard")).content.decode()


def test_visitors_get_the_sign_in_page_in_their_browsers_language(db: Any) -> None:
    page = Client(headers={"accept-language": "zh-Hans"}).get(reverse("web:login")).content.decode()
    assert "<h1>登录</h1>" in page
    assert "忘记密码？" in page


def test_the_header_switch_saves_the_choice_on_the_profile(make_user: Any) -> None:
    user = make_user(Role.SUPPORT)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get(reverse("web:account")).content.decode()
    assert 'action="/i18n/setlang/"' in page and 'name="language"' in page
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("web:set_language"),
        {"language": "zh-hans", "next": "/account/", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302 and response["Location"] == "/account/"
    user.refresh_from_db()
    assert user.language == "zh-hans"
    # The choice follows the user to another browser that sends no cookie and asks for English.
    other = Client(headers={"accept-language": "en"})
    other.force_login(User.objects.get(pk=user.pk))
    assert "<h1>账户</h1>" in other.get(reverse("web:account")).content.decode()


def test_the_switch_refuses_a_post_without_the_csrf_token(make_user: Any) -> None:
    user = make_user(Role.SUPPORT)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("web:set_language"), {"language": "zh-hans", "next": "/"})
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.language == ""


def test_an_unknown_language_changes_nothing(make_user: Any) -> None:
    user = make_user(Role.SUPPORT)
    client = Client()
    client.force_login(user)
    client.post(reverse("web:set_language"), {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == ""


def test_the_javascript_catalog_carries_the_scripts_strings(db: Any) -> None:
    chinese = Client(headers={"accept-language": "zh-Hans"}).get(reverse("web:javascript_catalog"))
    assert chinese.status_code == 200
    assert _has(chinese.content.decode(), "无法连接服务器，请检查网络连接。")
    english = Client(headers={"accept-language": "en"}).get(reverse("web:javascript_catalog"))
    assert not _has(english.content.decode(), "无法连接服务器，请检查网络连接。")


def _has(script: str, text: str) -> bool:
    """The catalog is JSON in a script: the text as it is or \\u-escaped."""
    return text in script or json.dumps(text)[1:-1] in script
