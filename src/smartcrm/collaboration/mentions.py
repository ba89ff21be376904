"""``@username`` in a note: who is named. Usernames are Django's (letters, digits and
``@.+-_``); a mention starts at a word boundary, so an email address (``ada@example.com``)
names nobody, and a trailing full stop or comma ends it."""

from __future__ import annotations

import re

from smartcrm.accounts.models import User

MENTION = re.compile(r"(?<![\w@.+-])@([\w.+-]{1,150})", re.UNICODE)
MAX_MENTIONS = 20  # a note naming more people than this notifies the first twenty


def mentioned_names(text: str) -> list[str]:
    """The names after ``@``, in order, once each, without trailing punctuation."""
    names: list[str] = []
    for match in MENTION.finditer(text):
        name = match.group(1).rstrip(".-+")
        if name and name not in names:
            names.append(name)
    return names[:MAX_MENTIONS]


def mentioned_users(text: str) -> list[User]:
    """The active staff named in ``text`` (one query; unknown names are ignored)."""
    names = mentioned_names(text)
    if not names:
        return []
    return list(User.objects.filter(username__in=names, is_active=True).order_by("username"))
