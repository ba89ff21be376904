"""The campaign, help-center, task and workflow services refuse in the reader's language (the
API and pages run them with the request's language active)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from smartcrm.activities.services import create_task
from smartcrm.campaigns.services import create_campaign
from smartcrm.core.errors import ServiceValidationError

pytestmark = pytest.mark.django_db


def refusal(call: Any, language: str) -> dict[str, str]:
    with translation.override(language), pytest.raises(ServiceValidationError) as refused:
        call()
    return refused.value.errors


def test_a_campaign_without_a_name_or_with_an_unknown_merge_field() -> None:
    values = {"name": " ", "body_en": "Hello {{ shoe_size }}"}
    chinese = refusal(lambda: create_campaign(actor="t", values=values), "zh-hans")
    assert chinese["name"] == "营销活动需要一个名称。"
    assert chinese["body_en"].startswith("未知的合并字段 'shoe_size'；可用的有：")
    english = refusal(lambda: create_campaign(actor="t", values=values), "en")
    assert english["name"] == "A campaign needs a name."
    assert english["body_en"].startswith("Unknown merge field 'shoe_size'; use one of: ")


def test_a_task_without_a_title() -> None:
    assert refusal(lambda: create_task(actor="t", title=" "), "zh-hans") == {"title": "任务需要一个标题。"}
    too_long = refusal(lambda: create_task(actor="t", title="x" * 201), "zh-hans")
    assert too_long == {"title": "最多 200 个字符。"}
    assert refusal(lambda: create_task(actor="t", title=" "), "en") == {"title": "A task needs a title."}
