"""The workflow editor's sentences (trigger, conditions, steps) in the reader's language."""

from __future__ import annotations

from django.utils import translation

from smartcrm.automation import actions, rules, selectors, triggers

CONDITIONS = {
    "all": [
        {"field": "score.churn_risk", "op": ">", "value": 0.7},
        {"field": "customer.tags", "op": "is set"},
    ]
}
STEPS = [{"if": CONDITIONS, "then": [{"action": "add_tag", "tag": "vip"}]}, {"wait": {"days": 2}}]


def test_the_sentences_in_chinese() -> None:
    with translation.override("zh-hans"):
        assert (
            triggers.sentence({"type": "record", "entity": "order", "action": "created"}) == "当订单被创建时"
        )
        assert (
            triggers.sentence({"type": "score", "score": "churn_risk", "above": 0.7})
            == "当流失风险升至 0.7 以上时"
        )
        assert rules.sentence(CONDITIONS) == "流失风险 高于 0.7 且 客户标签 已设置"
        assert rules.sentence(None) == "总是"
        assert actions.describe({"action": "send_email", "subject": {"en": "Hi"}}) == "发送邮件 “Hi”"
        lines = [line.text for line in selectors.step_lines(STEPS)]
        assert lines[0].startswith("如果 流失风险") and lines[-1] == "等待 2 天"


def test_the_sentences_in_english_are_unchanged() -> None:
    with translation.override("en"):
        assert (
            triggers.sentence({"type": "record", "entity": "order", "action": "created"})
            == "When an order is created"
        )
        assert rules.sentence(CONDITIONS) == "churn risk is above 0.7 and customer tags is set"
        assert [line.text for line in selectors.step_lines(STEPS)][-1] == "Wait 2 days"
