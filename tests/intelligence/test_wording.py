"""The engines write English; the pages show their sentences in the reader's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from smartcrm.engine.recs import reasons
from smartcrm.engine.recs.reasons import recommendation_reason
from smartcrm.intelligence.selectors import segment_catalogue, segment_choices, segment_info
from smartcrm.intelligence.wording import worded

# Every kind of recommendation reason, in English and in Chinese.
RECOMMENDATION_REASONS = [
    (reasons.REPURCHASE, {"days": 14}, "you buy this every ~14 days", "您大约每 14 天购买一次"),
    (reasons.BOUGHT_WITH, {"product": "Brass Gear"}, "bought with Brass Gear", "常与 Brass Gear 一起购买"),
    (reasons.LIKE_YOU, {}, "customers like you", "与您相似的客户也买了"),
    (reasons.POPULAR_IN, {"category": "Books"}, "popular in Books", "Books 中的热门商品"),
    (reasons.POPULAR, {}, "popular with customers", "深受客户欢迎"),
]


def test_every_reason_code_is_tested() -> None:
    assert {code for code, *_ in RECOMMENDATION_REASONS} == set(reasons.TEMPLATES) == set(reasons.PARAMETERS)


@pytest.mark.parametrize(("code", "params", "english", "chinese"), RECOMMENDATION_REASONS)
def test_a_recommendation_reason_is_worded_in_the_readers_language(
    code: str, params: dict[str, object], english: str, chinese: str
) -> None:
    reason = recommendation_reason(code, params)
    assert reason.english() == english
    assert set(params) == set(reasons.PARAMETERS[code])
    with translation.override("en"):
        assert worded(reason) == english
    with translation.override("zh-hans"):
        assert worded(reason) == chinese


def test_a_value_is_data_and_an_unknown_code_is_shown_as_its_code() -> None:
    with translation.override("zh-hans"):
        # A product name is kept as written, braces and all.
        odd = recommendation_reason(reasons.BOUGHT_WITH, {"product": "{odd} name"})
        assert worded(odd) == "常与 {odd} name 一起购买"
        assert worded(recommendation_reason("retired_kind", {})) == "retired_kind"


def test_segments_are_named_in_the_readers_language() -> None:
    with translation.override("zh-hans"):
        assert segment_catalogue()["champions"].title == "忠实客户"
        assert segment_info("at_risk").description == "过去购买较频繁，但已经很久没有购买。"  # type: ignore[union-attr]
        assert ("cant_lose", "不能失去的客户") in segment_choices()
    with translation.override("en"):
        assert segment_catalogue()["champions"].title == "Champions"
