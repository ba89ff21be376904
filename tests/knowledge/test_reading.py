"""Reading articles from files: front matter, headings, HTML without its scripts, FAQ tables with
row-level errors, and an import that keeps the good articles beside the refused ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from smartcrm.knowledge.imports import import_articles
from smartcrm.knowledge.models import Article
from smartcrm.knowledge.reading import ReadError, read_file, read_path
from smartcrm.knowledge.rendering import render_markdown
from smartcrm.knowledge.services import ArticleInput

MARKDOWN = """---
key: shipping-times
tags: [shipping, delivery]
---
# Shipping times

Orders ship within **2 working days**.
"""
HTML = """<html><head><title>Warranty</title><script>alert(1)</script></head>
<body><h1>Warranty</h1><p onclick="x()">Two years on <b>every</b> product.</p>
<iframe src="https://evil.example"></iframe></body></html>"""
FAQ = (
    "question,answer,language\n"
    "Do you ship to Canada?,Yes: 5-8 days.,en\n"
    ",No question,en\n"
    "多久发货？,两个工作日内发货。,\n"
)


def test_markdown_with_front_matter() -> None:
    (article,) = read_file("en/shipping.md", MARKDOWN.encode(), folder="en")
    assert isinstance(article, ArticleInput)
    assert (article.key, article.language, article.title, article.tags) == (
        "shipping-times", "en", "Shipping times", ["shipping", "delivery"],
    )  # fmt: skip
    assert article.body.startswith("Orders ship") and "# Shipping" not in article.body


def test_html_loses_scripts_frames_and_handlers() -> None:
    (article,) = read_file("warranty.html", HTML.encode())
    assert isinstance(article, ArticleInput)
    assert article.title == "Warranty" and "Two years on **every** product." in article.body
    assert "alert" not in article.body and "iframe" not in article.body and "onclick" not in article.body


def test_faq_rows_are_read_one_by_one() -> None:
    rows = read_file("faq.csv", FAQ.encode())
    assert [type(r).__name__ for r in rows] == ["ArticleInput", "ReadError", "ArticleInput"]
    assert isinstance(rows[1], ReadError) and rows[1].where == "faq.csv:row 3"
    assert isinstance(rows[2], ArticleInput) and rows[2].language == "zh-Hans"
    assert rows[2].key.startswith("article-")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.txt", b"hello", "Not a Markdown"),
        ("bad.md", b"\xff\xfe\x00bad", "Not UTF-8"),
        ("empty.md", b"no heading here", "No title"),
        ("faq.csv", b"q,a\nx,y\n", "Missing column"),
        ("front.md", b"---\n: [\n---\n# T\nbody", "not valid YAML"),
    ],
)
def test_unreadable_files_say_why(name: str, data: bytes, message: str) -> None:
    (error,) = read_file(name, data)
    assert isinstance(error, ReadError) and message in error.message


def test_rendering_escapes_html_and_drops_script_links() -> None:
    html = render_markdown("Hi <script>alert(1)</script> [x](javascript:alert(1)) **bold**")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html and "<strong>bold</strong>" in html


@pytest.mark.django_db
def test_a_folder_import_keeps_the_good_and_reports_the_bad(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "shipping.md").write_text(MARKDOWN)
    (tmp_path / "en" / "warranty.html").write_text(HTML)
    (tmp_path / "faq.csv").write_text(FAQ)
    (tmp_path / "broken.md").write_text("---\nkey: NOT OK\n---\n# Broken\nbody")
    report = import_articles(actor="test", items=read_path(tmp_path))
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    assert sorted(e.field for e in report.errors) == ["key", "question"]
    assert Article.objects.count() == 4
    again = import_articles(actor="test", items=read_path(tmp_path))
    assert (again.created, again.unchanged) == (0, 4)


@pytest.mark.django_db
def test_kb_import_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "shipping.md").write_text(MARKDOWN)
    call_command("kb", "import", str(tmp_path), "--status", "draft")
    assert "1 created" in capsys.readouterr().out
    assert Article.objects.get().status == "draft"
    call_command("kb", "list")
    assert "shipping-times" in capsys.readouterr().out
    with pytest.raises(CommandError, match="no such file"):
        call_command("kb", "import", str(tmp_path / "missing"))
