"""The engines' English wording, marked as translatable message ids without importing Django.

``gettext_noop`` returns its argument: the engines write English, unchanged. Its name is one of
the keywords ``makemessages`` extracts, so the marked strings land in the catalogs, and the
Django layer (:mod:`smartcrm.intelligence.wording`) translates them when a page shows them.
A marked string with ``{name}`` fields is a template: the engine fills it with ``format``, and
the Django layer reads the filled English back by the same template and fills the translation.
"""

from __future__ import annotations


def gettext_noop(message: str) -> str:
    return message
