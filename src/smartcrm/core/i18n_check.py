"""The translation check of ``make lint`` (``smartcrm i18n_check``).

A catalog passes when every message is translated, none is fuzzy, each translation carries
exactly the placeholders of its source (``%(name)s``/``%s`` python-format and ``{name}``
braces), and extracting the messages again (``makemessages``) would not change it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGE = "zh_Hans"
DOMAINS = ("django", "djangojs")
IGNORED = ("static/vendor/*", "locale/*", "synth/*", "evaluation/*")

PYTHON_FORMAT = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdiouxXeEfFgGcra%]")
BRACES = re.compile(r"(?<!\{)\{[A-Za-z_][A-Za-z0-9_]*(?:[.:!][^{}]*)?\}(?!\})")


@dataclass(frozen=True)
class Problem:
    catalog: str
    msgid: str
    what: str

    def __str__(self) -> str:
        return f"{self.catalog}: {self.what}: {self.msgid[:80]!r}"


def catalog_path(domain: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / LANGUAGE / "LC_MESSAGES" / f"{domain}.po"


def placeholders(text: str) -> Counter[str]:
    """The placeholders a message uses, ``%%`` (a literal percent) left out."""
    found = [p for p in PYTHON_FORMAT.findall(text) if p != "%%"]
    return Counter(found + BRACES.findall(text))


def entry_problems(name: str, entry: polib.POEntry) -> Iterator[Problem]:
    if entry.obsolete:
        return
    if "fuzzy" in entry.flags:
        yield Problem(name, entry.msgid, "fuzzy")
    if entry.msgid_plural:
        pairs = [(entry.msgid_plural, text) for text in entry.msgstr_plural.values()]
        translated = bool(pairs) and all(text for _, text in pairs)
    else:
        pairs = [(entry.msgid, entry.msgstr)]
        translated = bool(entry.msgstr)
    if not translated:
        yield Problem(name, entry.msgid, "untranslated")
        return
    for source, text in pairs:
        if placeholders(source) != placeholders(text):
            yield Problem(name, entry.msgid, f"placeholders differ in {text!r}")
            return


def catalog_problems(path: Path) -> list[Problem]:
    if not path.exists():
        return [Problem(path.name, "", "missing catalog")]
    catalog = polib.pofile(str(path))
    header = [Problem(path.name, "", "fuzzy header")] if catalog.metadata_is_fuzzy else []
    return header + [problem for entry in catalog for problem in entry_problems(path.name, entry)]


def _comparable(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith('"POT-Creation-Date:'))


def extraction_problems(extract: Callable[[str], None], locale_dir: Path = LOCALE_DIR) -> list[Problem]:
    """Run ``extract(domain)`` (makemessages) on each catalog and report those it changed; the
    catalogs are put back as they were either way."""
    problems = []
    for domain in DOMAINS:
        path = catalog_path(domain, locale_dir)
        before = path.read_text(encoding="utf-8") if path.exists() else None
        try:
            extract(domain)
            after = path.read_text(encoding="utf-8") if path.exists() else None
        finally:
            if before is None:
                path.unlink(missing_ok=True)
            else:
                path.write_text(before, encoding="utf-8")
        if before is None or after is None or _comparable(before) != _comparable(after):
            problems.append(
                Problem(path.name, "", "makemessages changes it: run `smartcrm i18n_check --update`")
            )
    return problems


def merge_translations(path: Path, sources: list[Path]) -> int:
    """Copy translations from other .po files (entries without a header are fine) into the
    catalog at ``path`` for its messages that are untranslated or fuzzy; the count merged."""
    catalog = polib.pofile(str(path), wrapwidth=0)
    # By context and message: "row" as an export column and "row" elsewhere are two messages.
    found: dict[tuple[str | None, str], polib.POEntry] = {}
    for source in sources:
        for entry in polib.pofile(str(source)):
            if entry.msgstr or any(entry.msgstr_plural.values()):
                found[(entry.msgctxt, entry.msgid)] = entry
    merged = 0
    for entry in catalog:
        source_entry = found.get((entry.msgctxt, entry.msgid))
        if source_entry is None or (entry.translated() and "fuzzy" not in entry.flags):
            continue
        if entry.msgid_plural:
            text = source_entry.msgstr_plural.get(0) or source_entry.msgstr
            entry.msgstr_plural = {0: text}
        else:
            entry.msgstr = source_entry.msgstr or source_entry.msgstr_plural.get(0, "")
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        merged += 1
    catalog.save(str(path))
    return merged
