"""Article Markdown to HTML that is safe to show: raw HTML is escaped, never passed through, and
links with a script scheme are dropped (markdown-it's link validation). Images are not rendered
(``![alt](url)`` stays text): an article may start from a customer's ticket, and an image would
load from wherever its text points, on the reader's screen (a tracker, or a URL the page's
Content-Security-Policy then has to refuse)."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt


@cache
def _renderer() -> MarkdownIt:
    options = {"html": False, "linkify": False, "typographer": False}
    return MarkdownIt("commonmark", options).enable("table").disable("image")


def render_markdown(text: str) -> str:
    return _renderer().render(text)
