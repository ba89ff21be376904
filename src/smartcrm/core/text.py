"""Control characters: refused at input, stripped where text leaves for a file format.

C0 controls other than tab, line feed and carriage return, DEL and the C1 controls have no
place in a CRM's text: they do not print, they hide text from reviewers (``\\x1b`` starts a
terminal escape) and a spreadsheet refuses them (openpyxl raises ``IllegalCharacterError`` on
``\\x0b``). Every input path checks text with :func:`check_text` — the API's string types, the
web forms' text fields, the importers' cells — and exports strip what older rows may still hold.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_noop

# NUL is a control character too, and PostgreSQL cannot store it.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LINE_BREAKS = re.compile(r"[\r\n]")
# The messages are English (imports keep them so); where a reader is known they are translated
# (the API's field errors: smartcrm.api.schema_messages).
CONTROL_MESSAGE = gettext_noop(
    "Text cannot contain control characters (only tab and line breaks are allowed)."
)


def check_text(value: str) -> str:
    """The text unchanged, or ValueError if it holds a control character or a lone surrogate."""
    if CONTROL_CHARACTERS.search(value):
        raise ValueError(CONTROL_MESSAGE)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(gettext_noop("Text must be valid Unicode.")) from exc
    return value


def strip_control(value: str) -> str:
    """The text without control characters or lone surrogates (for writing files)."""
    value = CONTROL_CHARACTERS.sub("", value)
    return value.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(value) else value


def _has_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
