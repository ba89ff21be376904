"""Help-center articles as passages: a Markdown article cut by heading and paragraph.

An article is a title and a Markdown body (optionally with a small front matter: ``id``,
``language``, ``title``, ``tags``). Each ``## heading`` starts a section; a section longer than
``max_chars`` is cut between paragraphs (a single longer paragraph between sentences), so a
passage stays short enough to embed whole and to quote as an answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

MAX_CHARS = 700
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")


@dataclass(frozen=True)
class Article:
    article_id: str
    language: str
    title: str
    body: str
    tags: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Passage:
    article_id: str
    language: str
    title: str
    heading: str
    text: str
    tags: tuple[str, ...] = field(default=())

    @property
    def indexed_text(self) -> str:
        """What the scorers read: the title, the heading, the tags and the text."""
        parts = [self.title, self.heading, " ".join(self.tags), self.text]
        return "\n".join(part for part in parts if part)


def parse_markdown(text: str, *, article_id: str = "", language: str = "") -> Article:
    """An :class:`Article` from Markdown with an optional ``---`` front matter.

    The front matter's ``id``/``language``/``title``/``tags`` win over the arguments; without a
    title there, the first ``# heading`` of the body is the title (and is removed from the body).
    """
    meta: dict[str, str] = {}
    body = text.lstrip("\ufeff")
    if body.startswith("---\n"):
        end = body.find("\n---", 4)
        if end == -1:
            raise ValueError("front matter opened with --- is never closed")
        for line in body[4:end].splitlines():
            if ":" in line:
                key, value = line.split(":", 1)
                meta[key.strip().lower()] = value.strip()
        body = body[end + 4 :].lstrip("\n")
    title = meta.get("title", "")
    first = body.lstrip().split("\n", 1)
    match = _HEADING.match(first[0]) if first else None
    if match and len(match.group(1)) == 1:
        title = title or match.group(2)
        body = first[1] if len(first) > 1 else ""
    tags = tuple(tag.strip() for tag in meta.get("tags", "").strip("[]").split(",") if tag.strip())
    article_id = meta.get("id", article_id)
    language = meta.get("language", language)
    if not article_id or not language:
        raise ValueError("an article needs an id and a language (front matter or arguments)")
    return Article(article_id, language, title, body.strip(), tags)


def read_articles(folder: str | Path) -> list[Article]:
    """Every ``*.md`` article under ``folder`` (recursively), sorted by path."""
    return [
        parse_markdown(path.read_text(encoding="utf-8"), article_id=path.stem, language=path.parent.name)
        for path in sorted(Path(folder).rglob("*.md"))
    ]


def split_article(article: Article, max_chars: int = MAX_CHARS) -> list[Passage]:
    """The article's passages, in order: one or more per section, none empty."""
    passages = [
        Passage(article.article_id, article.language, article.title, heading, text, article.tags)
        for heading, paragraphs in _sections(article.body)
        for text in _pack(paragraphs, max_chars)
    ]
    if not passages:
        passages.append(
            Passage(article.article_id, article.language, article.title, "", article.title, article.tags)
        )
    return passages


def _sections(body: str) -> list[tuple[str, list[str]]]:
    sections: list[tuple[str, list[str]]] = [("", [])]
    paragraph: list[str] = []

    def close() -> None:
        if paragraph:
            sections[-1][1].append("\n".join(paragraph).strip())
            paragraph.clear()

    for line in body.splitlines():
        match = _HEADING.match(line)
        if match:
            close()
            sections.append((match.group(2), []))
        elif not line.strip():
            close()
        else:
            paragraph.append(line.rstrip())
    close()
    return [(heading, paras) for heading, paras in sections if paras]


def _pack(paragraphs: list[str], max_chars: int) -> list[str]:
    """Paragraphs joined into chunks of at most ``max_chars`` (a longer paragraph is cut by sentence)."""
    pieces: list[str] = []
    for paragraph in paragraphs:
        if len(paragraph) <= max_chars:
            pieces.append(paragraph)
        else:
            pieces.extend(s for s in _SENTENCE_END.split(paragraph) if s.strip())
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        if current and len(current) + 1 + len(piece) > max_chars:
            chunks.append(current)
            current = ""
        current = f"{current}\n{piece}" if current else piece
        while len(current) > max_chars:  # one sentence longer than the cap
            chunks.append(current[:max_chars])
            current = current[max_chars:]
    if current:
        chunks.append(current)
    return chunks
