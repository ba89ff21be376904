"""Read help-center articles from files: Markdown or HTML pages, and FAQ tables (CSV).

Nothing here writes: each reader yields :class:`ArticleInput` or a :class:`ReadError` naming
the file (and row) and what is wrong with it, so an import keeps every good article and reports
each bad one. HTML is turned into Markdown with its scripts, styles and frames removed; the
Markdown is rendered later without raw HTML, so no markup from a file reaches a page.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from smartcrm.knowledge.models import ArticleStatus, Language
from smartcrm.knowledge.services import ArticleInput, clean_tags, key_from_title

PAGE_SUFFIXES = {".md", ".markdown", ".html", ".htm"}
TABLE_SUFFIXES = {".csv"}
MAX_FILE_BYTES = 5 * 1024 * 1024
FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class ReadError:
    where: str  # file name, and ``:row N`` for a table row
    field: str
    message: str


Read = ArticleInput | ReadError


def guess_language(text: str, folder: str = "") -> str:
    """zh-Hans for a ``zh*`` folder or text that is mostly Chinese characters, else en."""
    if folder.lower().startswith("zh"):
        return Language.CHINESE
    if folder.lower() == "en":
        return Language.ENGLISH
    letters = [c for c in text[:2000] if c.isalpha()]
    share = sum(bool(CJK.match(c)) for c in letters) / max(len(letters), 1)
    return Language.CHINESE if share > 0.3 else Language.ENGLISH


def _html_to_markdown(html: str) -> tuple[str, str]:
    """(title, Markdown body) of an HTML page: <title> or the first <h1>; scripts dropped."""
    from bs4 import BeautifulSoup
    from markdownify import markdownify

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "iframe", "object", "embed", "form", "noscript", "template"]):
        tag.decompose()
    title = ""
    heading = soup.find("h1")
    if soup.title and soup.title.string:
        title = soup.title.string.strip()
    elif heading is not None:
        title = heading.get_text(" ", strip=True)
    if heading is not None and heading.get_text(" ", strip=True) == title:
        heading.decompose()
    body = soup.body or soup
    markdown = markdownify(str(body), heading_style="ATX", strip=["img"])
    return title, re.sub(r"\n{3,}", "\n\n", markdown).strip()


def read_page(name: str, text: str, folder: str = "", status: str = ArticleStatus.PUBLISHED) -> Read:
    """One Markdown (with optional YAML front matter) or HTML page."""
    meta: dict[str, object] = {}
    if name.lower().endswith((".html", ".htm")):
        title, body = _html_to_markdown(text)
    else:
        match = FRONT_MATTER.match(text)
        if match:
            try:
                loaded = yaml.safe_load(match.group(1)) or {}
            except yaml.YAMLError as exc:
                return ReadError(name, "front matter", f"The front matter is not valid YAML: {exc}")
            if not isinstance(loaded, dict):
                return ReadError(name, "front matter", "The front matter must be key: value lines.")
            meta, text = loaded, text[match.end() :]
        heading = HEADING.search(text)
        title = str(meta.get("title") or (heading.group(1) if heading else ""))
        if heading and heading.group(1).strip() == title.strip():  # the title, not a section
            text = text[: heading.start()] + text[heading.end() :]
        body = text.strip()
    if not title:
        return ReadError(
            name, "title", "No title: give a front-matter title, a '# heading' or an HTML <title>."
        )
    tags = meta.get("tags") or []
    return ArticleInput(
        key=str(meta.get("key") or meta.get("id") or key_from_title(Path(name).stem)),
        language=str(meta.get("language") or guess_language(title + " " + body, folder)),
        title=title,
        body=body,
        tags=clean_tags(tags if isinstance(tags, list) else str(tags)),
        status=str(meta.get("status") or status),
    )


def read_faq_table(name: str, text: str, status: str = ArticleStatus.PUBLISHED) -> Iterator[Read]:
    """A FAQ CSV: ``question,answer`` and optionally ``language``, ``key`` and ``tags`` columns."""
    reader = csv.DictReader(io.StringIO(text))
    columns = {c.strip().lower() for c in reader.fieldnames or []}
    missing = {"question", "answer"} - columns
    if missing:
        yield ReadError(name, "header", f"Missing column(s): {', '.join(sorted(missing))}.")
        return
    for number, raw in enumerate(reader, start=2):
        row = {str(k).strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}
        where = f"{name}:row {number}"
        if not row.get("question"):
            yield ReadError(where, "question", "Empty question.")
            continue
        if not row.get("answer"):
            yield ReadError(where, "answer", "Empty answer.")
            continue
        language = row.get("language") or guess_language(row["question"] + " " + row["answer"])
        yield ArticleInput(
            key=row.get("key") or key_from_title(row["question"]),
            language=language,
            title=row["question"],
            body=row["answer"],
            tags=clean_tags(row.get("tags", "") or "faq"),
            status=status,
        )


def _decode(name: str, data: bytes) -> str | ReadError:
    if len(data) > MAX_FILE_BYTES:
        return ReadError(name, "file", f"Larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ReadError(name, "file", "Not UTF-8 text.")


def read_file(name: str, data: bytes, folder: str = "", status: str = ArticleStatus.PUBLISHED) -> list[Read]:
    """The articles in one uploaded or found file (by its suffix), or why it cannot be read."""
    suffix = Path(name).suffix.lower()
    if suffix not in PAGE_SUFFIXES | TABLE_SUFFIXES:
        return [ReadError(name, "file", "Not a Markdown, HTML or CSV file.")]
    text = _decode(name, data)
    if isinstance(text, ReadError):
        return [text]
    if suffix in TABLE_SUFFIXES:
        return list(read_faq_table(name, text, status))
    return [read_page(name, text, folder, status)]


def read_path(path: Path, status: str = ArticleStatus.PUBLISHED) -> Iterator[Read]:
    """Every page and FAQ table under ``path`` (a file or a folder, recursively, sorted)."""
    if not path.exists():
        yield ReadError(str(path), "path", "No such file or folder.")
        return
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for file in files:
        if file.suffix.lower() not in PAGE_SUFFIXES | TABLE_SUFFIXES:
            continue
        name = str(file.relative_to(path)) if path.is_dir() else file.name
        yield from read_file(name, file.read_bytes(), folder=file.parent.name, status=status)
