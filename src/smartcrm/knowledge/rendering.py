"""Article Markdown to HTML that is safe to show: raw HTML is escaped, never passed through, and
links with a script scheme are dropped (markdown-it's link validation)."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt


@cache
def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def render_markdown(text: str) -> str:
    return _renderer().render(text)
