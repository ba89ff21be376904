"""The engines write English; the pages show their sentences in the reader's language."""

from __future__ import annotations

from django.utils import translation

from smartcrm.engine.recs.shop import BOUGHT_WITH_REASON, POPULAR_REASON, REPURCHASE_REASON
from smartcrm.intelligence.selectors import segment_catalogue, segment_choices, segment_info
from smartcrm.intelligence.wording import translate


def test_the_engines_still_write_english() -> None:
    assert REPURCHASE_REASON.format(days=14) == "you buy this every ~14 days"
    assert BOUGHT_WITH_REASON.format(product="Brass Gear") == "bought with Brass Gear"


def test_a_reason_is_read_back_by_its_template_and_translated() -> None:
    with translation.override("zh-hans"):
        assert translate("you buy this every ~14 days") == "您大约每 14 天购买一次"
        assert translate("bought with Brass Gear") == "常与 Brass Gear 一起购买"
        # A product name is data: kept as written, braces and all.
        assert translate("bought with {odd} name") == "常与 {odd} name 一起购买"
        assert translate(POPULAR_REASON) == "深受客户欢迎"
        assert translate("something no engine wrote") == "something no engine wrote"
    with translation.override("en"):
        assert translate("bought with Brass Gear") == "bought with Brass Gear"


def test_segments_are_named_in_the_readers_language() -> None:
    with translation.override("zh-hans"):
        assert segment_catalogue()["champions"].title == "忠实客户"
        assert segment_info("at_risk").description == "过去购买较频繁，但已经很久没有购买。"  # type: ignore[union-attr]
        assert ("cant_lose", "不能失去的客户") in segment_choices()
    with translation.override("en"):
        assert segment_catalogue()["champions"].title == "Champions"
