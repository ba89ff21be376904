"""Articles become passages by heading and paragraph, each under the size cap."""

from __future__ import annotations

import pytest

from smartcrm.engine.retrieval import Article, parse_markdown, read_articles, split_article
from smartcrm.engine.retrieval.index import language_key

ARTICLE = """---
id: returns
language: en
title: Returns policy
tags: [return, send back]
---

# Returns policy

Intro line before any section.

## How long do I have?
You can return most items within 30 days.

Second paragraph of the same section.

## How to return
1. Open your orders.
2. Print the label.
"""


def test_front_matter_and_sections() -> None:
    article = parse_markdown(ARTICLE)
    assert (article.article_id, article.language, article.title) == ("returns", "en", "Returns policy")
    assert article.tags == ("return", "send back")
    passages = split_article(article)
    assert [p.heading for p in passages] == ["", "How long do I have?", "How to return"]
    assert "Second paragraph" in passages[1].text and "30 days" in passages[1].text
    assert passages[2].text.startswith("1. Open")
    assert "Returns policy" in passages[1].indexed_text and "send back" in passages[1].indexed_text


def test_long_sections_are_cut_under_the_cap() -> None:
    body = "## Big\n" + "\n\n".join(
        f"Sentence number {i} is here. And another one follows it." for i in range(40)
    )
    body += "\n\n" + "Word " * 400
    passages = split_article(Article("big", "en", "Big", body), max_chars=200)
    assert len(passages) > 10
    assert all(0 < len(p.text) <= 200 for p in passages)
    assert all(p.heading == "Big" for p in passages)


def test_an_article_needs_an_id_and_a_language() -> None:
    with pytest.raises(ValueError, match="id and a language"):
        parse_markdown("# Title\n\nbody")
    with pytest.raises(ValueError, match="never closed"):
        parse_markdown("---\nid: x\n")


def test_demo_help_center_has_every_article_in_both_languages() -> None:
    from pathlib import Path

    import smartcrm

    folder = Path(smartcrm.__file__).parent / "demo" / "helpcenter"
    articles = read_articles(folder)
    by_language: dict[str, set[str]] = {}
    for article in articles:
        by_language.setdefault(language_key(article.language), set()).add(article.article_id)
        assert article.title and len(article.body) > 150
        assert len(split_article(article)) >= 2
    assert set(by_language) == {"en", "zh"}
    assert by_language["en"] == by_language["zh"]
    assert 15 <= len(by_language["en"]) <= 25
