"""Shop-defined intents matched by the nearest training phrase: held-out paraphrases in English
and Chinese find their intent, shop questions for the help center and chit-chat find none."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from smartcrm.demo.help_center import INTENTS
from smartcrm.engine.dialogue.intents import IntentMatcher


@pytest.fixture(scope="module")
def matcher() -> IntentMatcher:
    rows = [
        (item["name"], item["language"], phrase)
        for item in json.loads(INTENTS.read_text(encoding="utf-8"))
        for phrase in item["phrases"]
    ]
    return IntentMatcher().fit(pd.DataFrame(rows, columns=["intent", "language", "phrase"]))


@pytest.mark.parametrize(
    ("text", "language", "intent"),
    [
        ("hey!", "en", "greeting"),
        ("Hi, I have a question", "en", "greeting"),
        ("many thanks", "en", "thanks"),
        ("could you wrap it as a gift", "en", "gift-wrapping"),
        ("THANK YOU", "en", "thanks"),
        ("您好，请问", "zh-Hans", "greeting"),
        ("非常感谢", "zh-Hans", "thanks"),
        ("礼物包装怎么弄", "zh-Hans", "gift-wrapping"),
    ],
)
def test_paraphrases_find_their_intent(matcher: IntentMatcher, text: str, language: str, intent: str) -> None:
    found = matcher.predict_intent(text, language)
    assert found is not None and found.intent == intent, found


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("where is my order", "en"),
        ("how long does shipping take", "en"),
        ("what is your return policy", "en"),
        ("is the red jacket waterproof", "en"),
        ("who won the match last night", "en"),
        ("我的快递到哪了", "zh-Hans"),
        ("退货政策是什么", "zh-Hans"),
        ("", "en"),
        ("bonjour", "fr"),
    ],
)
def test_other_messages_match_no_intent(matcher: IntentMatcher, text: str, language: str) -> None:
    assert matcher.predict_intent(text, language) is None


@pytest.mark.parametrize(
    ("text", "language", "certain"),
    [("hi", "en", True), ("hey!", "en", False), ("你好，我想退货", "zh-Hans", False)],
)
def test_only_near_copies_of_a_phrase_are_certain(
    matcher: IntentMatcher, text: str, language: str, certain: bool
) -> None:
    found = matcher.predict_intent(text, language)
    assert found is not None and found.certain is certain
