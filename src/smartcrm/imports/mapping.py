"""Suggesting a column mapping for a file's header: exact names and aliases first, then fuzzy matches.

Exact matching (case, spaces and punctuation ignored; English and Chinese aliases) settles most
headers. What is left is matched with rapidfuzz's WRatio against every name and alias, and only
a score of at least ``FUZZY_CUTOFF`` is suggested — the user confirms or changes every
suggestion in the wizard, so a miss costs a click, a wrong guess a little more.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from smartcrm.imports.reader import Column, column_lookup, header_key

FUZZY_CUTOFF = 85


def suggest_mapping(header: list[str], columns: tuple[Column, ...]) -> dict[str, str]:
    """Header cell → suggested column name ("" when nothing fits); each column suggested once."""
    lookup = column_lookup(columns)
    suggestion: dict[str, str] = {}
    taken: set[str] = set()
    for cell in header:
        name = lookup.get(header_key(cell), "")
        if name and name not in taken:
            suggestion[cell] = name
            taken.add(name)
    for cell in header:
        if cell in suggestion or not header_key(cell):
            continue
        choices = {key: name for key, name in lookup.items() if name not in taken}
        match = process.extractOne(
            header_key(cell), list(choices), scorer=fuzz.WRatio, score_cutoff=FUZZY_CUTOFF
        )
        suggestion[cell] = choices[match[0]] if match else ""
        if match:
            taken.add(choices[match[0]])
    return suggestion
