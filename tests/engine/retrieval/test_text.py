"""Tokens for English, Chinese and text mixing both."""

from __future__ import annotations

from smartcrm.engine.retrieval.text import normalise, stem, tokenize


def test_chinese_words_and_characters() -> None:
    tokens = tokenize("退到支付宝要多久")
    assert "支付宝" in tokens and "多久" in tokens
    assert "宝" in tokens  # single characters meet unsegmented or misspelt queries
    assert "宝" not in tokenize("退到支付宝要多久", chinese_chars=False)


def test_mixed_language_and_normalisation() -> None:
    tokens = tokenize("ＲＥＦＵＮＤ 什么时候到账 Café")
    assert "refund" in tokens and "时候" in tokens and "cafe" in tokens
    assert normalise("Ａｃｃｅｎｔ é") == "accent e"


def test_stop_words_and_stemming() -> None:
    assert tokenize("how do I return the shoes") == ["return", "shoes"]
    assert tokenize("returns shipped", stemming=True) == ["return", "ship"]
    assert stem("boxes") == "box" and stem("glass") == "glass" and stem("stories") == "story"
