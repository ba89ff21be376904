"""Offset pagination without COUNT(*): one extra row tells whether a next page exists.

Counting a million filtered rows costs more than showing them, so lists say "next" rather
than "page 3 of 20,000".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet

T = TypeVar("T")
MAX_PAGE_SIZE = 200
# Deeper pages are clamped: an offset past a 64-bit integer would fail in the database.
MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    size: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def page_number(text: str | None) -> int:
    """A page number from a query string: anything that is not a positive number is page 1, and a
    number past ``MAX_PAGE`` (however many digits) is ``MAX_PAGE``."""
    digits = (text or "").strip().lstrip("0")
    if not digits.isascii() or not digits.isdigit():
        return 1
    return MAX_PAGE if len(digits) > len(str(MAX_PAGE)) else min(int(digits), MAX_PAGE)


def paginate(queryset: QuerySet[Any], *, number: int = 1, size: int = 50) -> Page[Any]:
    number = min(max(1, number), MAX_PAGE)
    size = min(max(1, size), MAX_PAGE_SIZE)
    start = (number - 1) * size
    rows = list(queryset[start : start + size + 1])
    return Page(items=rows[:size], number=number, size=size, has_next=len(rows) > size)
