"""The translation check of `make lint`: untranslated, fuzzy and placeholder-mismatched messages
are found, catalogs that makemessages would change are found and put back, and the shipped
zh_Hans catalogs pass."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from smartcrm.core import i18n_check


def _problems(entry: polib.POEntry) -> list[str]:
    return [p.what for p in i18n_check.entry_problems("django.po", entry)]


def test_placeholders_of_both_styles_are_counted() -> None:
    assert i18n_check.placeholders("%(count)s of %(total)d, %s and {name} at 5%%") == {
        "%(count)s": 1,
        "%(total)d": 1,
        "%s": 1,
        "{name}": 1,
    }
    assert i18n_check.placeholders("{{ literal braces }} and 100%%") == {}


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (polib.POEntry(msgid="Save", msgstr="保存"), []),
        (polib.POEntry(msgid="Save", msgstr=""), ["untranslated"]),
        (polib.POEntry(msgid="Save", msgstr="保存", flags=["fuzzy"]), ["fuzzy"]),
        (polib.POEntry(msgid="Order %(number)s", msgstr="订单 %(number)s"), []),
        (
            polib.POEntry(msgid="Order %(number)s", msgstr="订单 %(id)s"),
            ["placeholders differ in '订单 %(id)s'"],
        ),
        (polib.POEntry(msgid="Order %(number)s", msgstr="订单"), ["placeholders differ in '订单'"]),
        (polib.POEntry(msgid="Hi {name}", msgstr="你好 {name}"), []),
        (polib.POEntry(msgid="Hi {name}", msgstr="你好 {nom}"), ["placeholders differ in '你好 {nom}'"]),
        (
            polib.POEntry(
                msgid="%(count)s order",
                msgid_plural="%(count)s orders",
                msgstr_plural={0: "%(count)s 笔订单"},
            ),
            [],
        ),
        (
            polib.POEntry(msgid="%(count)s order", msgid_plural="%(count)s orders", msgstr_plural={0: ""}),
            ["untranslated"],
        ),
        (polib.POEntry(msgid="Gone", msgstr="", obsolete=True), []),
    ],
)
def test_entry_problems(entry: polib.POEntry, expected: list[str]) -> None:
    assert _problems(entry) == expected


def _catalog(tmp_path: Path, body: str) -> Path:
    path = i18n_check.catalog_path("django", tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"POT-Creation-Date: 2026-01-01 00:00+0000\\n"\n\n' + body,
        encoding="utf-8",
    )
    return path


def test_a_catalog_with_a_fuzzy_header_or_entry_fails(tmp_path: Path) -> None:
    path = _catalog(tmp_path, 'msgid "Save"\nmsgstr "保存"\n\n#, fuzzy\nmsgid "Open"\nmsgstr "打开"\n')
    assert [p.what for p in i18n_check.catalog_problems(path)] == ["fuzzy"]
    path.write_text("#, fuzzy\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert [p.what for p in i18n_check.catalog_problems(path)] == ["fuzzy header", "fuzzy"]


def test_a_catalog_that_extraction_would_change_is_reported_and_put_back(tmp_path: Path) -> None:
    path = _catalog(tmp_path, 'msgid "Save"\nmsgstr "保存"\n')
    js = i18n_check.catalog_path("djangojs", tmp_path)
    js.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    original = path.read_text(encoding="utf-8")

    def extract(domain: str) -> None:
        target = i18n_check.catalog_path(domain, tmp_path)
        text = target.read_text(encoding="utf-8").replace("2026-01-01 00:00", "2026-12-07 12:00")
        if domain == "django":
            text += '\nmsgid "A new string"\nmsgstr ""\n'
        target.write_text(text, encoding="utf-8")

    problems = i18n_check.extraction_problems(extract, tmp_path)
    # Only the catalog that gained a message: a new creation date alone is no change.
    assert [p.catalog for p in problems] == ["django.po"]
    assert path.read_text(encoding="utf-8") == original


def test_the_shipped_catalogs_are_complete() -> None:
    for domain in i18n_check.DOMAINS:
        assert i18n_check.catalog_problems(i18n_check.catalog_path(domain)) == []


def test_translations_are_merged_from_other_files_into_untranslated_and_fuzzy_messages(
    tmp_path: Path,
) -> None:
    path = _catalog(
        tmp_path,
        'msgid "Save"\nmsgstr "保存"\n\nmsgid "Teams"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Team lead"\nmsgstr "组长?"\n\n'
        'msgid "%(count)s member"\nmsgid_plural "%(count)s members"\nmsgstr[0] ""\n',
    )
    helper = tmp_path / "helper.po"
    helper.write_text(
        'msgid "Save"\nmsgstr "存"\n\nmsgid "Teams"\nmsgstr "团队"\n\n'
        'msgid "Team lead"\nmsgstr "团队负责人"\n\n'
        'msgid "%(count)s member"\nmsgid_plural "%(count)s members"\nmsgstr[0] "%(count)s 位成员"\n',
        encoding="utf-8",
    )
    assert i18n_check.merge_translations(path, [helper]) == 3
    catalog = {e.msgid: e for e in polib.pofile(str(path))}
    assert catalog["Save"].msgstr == "保存"  # a translation already there is kept
    assert catalog["Teams"].msgstr == "团队"
    assert catalog["Team lead"].msgstr == "团队负责人" and "fuzzy" not in catalog["Team lead"].flags
    assert catalog["%(count)s member"].msgstr_plural == {0: "%(count)s 位成员"}
    assert i18n_check.catalog_problems(path) == []


def test_a_message_in_a_context_takes_the_translation_of_that_context(tmp_path: Path) -> None:
    path = _catalog(
        tmp_path,
        'msgctxt "export column"\nmsgid "row"\nmsgstr ""\n\nmsgid "row"\nmsgstr ""\n',
    )
    helper = tmp_path / "helper.po"
    helper.write_text(
        'msgid "row"\nmsgstr "整行"\n\nmsgctxt "export column"\nmsgid "row"\nmsgstr "行"\n', encoding="utf-8"
    )
    assert i18n_check.merge_translations(path, [helper]) == 2
    catalog = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(path))}
    assert catalog == {("export column", "row"): "行", (None, "row"): "整行"}
