"""The robustness rules on the model cards are worded in the reader's language."""

from __future__ import annotations

import json
import re

from django.utils import translation

from smartcrm.modelregistry.robustness import SNAPSHOT
from smartcrm.modelregistry.rule_wording import rule_text

# Method and metric names that stay as they are in Chinese text.
NAMES = {"bg", "nbd", "roc", "auc", "rmse", "vader", "minilm", "autoets", "autoarima", "spearman", "pearson"}


def shipped_rules() -> set[str]:
    return {str(row["rule"]) for row in json.loads(SNAPSHOT.read_text())["rows"]}


def test_every_shipped_rule_has_a_chinese_wording() -> None:
    rules = shipped_rules()
    assert len(rules) >= 8
    with translation.override("zh-hans"):
        for rule in rules:
            worded = rule_text(rule)
            assert worded != rule, rule
            english = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z_0-9]+", worded)} - NAMES
            assert not english - {"top20_capture"}, (rule, worded)


def test_english_readers_get_the_rule_as_written_and_unknown_shapes_pass_through() -> None:
    with translation.override("en"):
        for rule in shipped_rules():
            assert rule_text(rule) == rule
    with translation.override("zh-hans"):
        assert rule_text("some new rule") == "some new rule"
        assert rule_text("within ±5 points of 80%") == "与 80% 相差不超过 ±5 个百分点"
