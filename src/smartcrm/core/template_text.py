"""Sentences stored in English, shown in the active language: each is read back by the message
template that wrote it (``"At most {limit} characters."`` matches ``"At most 40 characters."``)
and the translated template is filled with the same values.

For text written where no reader's language is known (a background import, an engine) and kept
as it was written. Templates use ``{name}`` or ``%(name)s`` fields; a value is data and is put
back as it was read, braces and all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cached_property

from django.utils.translation import gettext

FIELD = re.compile(r"\{(\w+)\}|%\((\w+)\)s")


class TemplateReader:
    """Translate text written by one of ``templates`` (a callable, so importing is deferred)."""

    def __init__(self, templates: Callable[[], Iterable[str]]) -> None:
        self._templates = templates

    @cached_property
    def _patterns(self) -> tuple[tuple[re.Pattern[str], str], ...]:
        patterns = []
        # Longest first: a template that is the start of another must not win by order.
        for template in sorted(set(self._templates()), key=len, reverse=True):
            regex, last = [], 0
            for match in FIELD.finditer(template):
                regex.append(re.escape(template[last : match.start()]))
                regex.append(f"(?P<{match.group(1) or match.group(2)}>.+?)")
                last = match.end()
            regex.append(re.escape(template[last:]))
            patterns.append((re.compile("".join(regex) + r"\Z", re.DOTALL), template))
        return tuple(patterns)

    def find(self, text: str) -> str | None:
        """``text`` in the active language, or ``None`` when no template wrote it."""
        for pattern, template in self._patterns:
            match = pattern.match(text)
            if match:
                return fill(gettext(template), match.groupdict())
        return None


def fill(template: str, values: dict[str, str]) -> str:
    """``template``'s fields replaced by ``values`` in one pass (a value is never read again)."""
    return FIELD.sub(lambda m: values.get(m.group(1) or m.group(2), m.group(0)), template)
