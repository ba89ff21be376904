"""Negation scope marking for the Chinese word view."""

from __future__ import annotations

from smartcrm.engine.nlp.sentiment.negation import mark_negation
from smartcrm.engine.nlp.sentiment.text import words
from smartcrm.engine.nlp.sentiment.views import Views


def test_scope_runs_to_the_end_of_the_clause() -> None:
    tokens = ("质量", "不", "太", "好", "，", "物流", "快")
    assert mark_negation(tokens) == ("质量", "不", "NEG_太", "NEG_好", "，", "物流", "快")


def test_a_contrast_word_ends_the_scope() -> None:
    assert mark_negation(("没有", "想象", "中", "好", "但是", "便宜")) == (
        "没有", "NEG_想象", "NEG_中", "NEG_好", "但是", "便宜",
    )  # fmt: skip


def test_a_second_negator_flips_the_scope_back() -> None:
    assert mark_negation(("不是", "不", "好")) == ("不是", "不", "好")
    assert mark_negation(("很", "好")) == ("很", "好")
    assert mark_negation(()) == ()


def test_the_chinese_word_view_learns_negated_words_and_english_is_untouched() -> None:
    zh_texts = ["房间不干净。", "房间干净。", "房间不干净", "早餐干净"]
    zh = Views("zh", min_df=1)
    zh.fit_transform(zh_texts, [words(t, "zh") for t in zh_texts])
    vocabulary = zh.vectorizers["word"].vocabulary_
    assert "NEG_干净" in vocabulary and "干净" in vocabulary

    en_texts = ["not good at all", "good"]
    en = Views("en", min_df=1)
    en.fit_transform(en_texts, [words(t, "en") for t in en_texts])
    assert not any(term.startswith("NEG_") for term in en.vectorizers["word"].vocabulary_)
