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


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    size: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def paginate(queryset: QuerySet[Any], *, number: int = 1, size: int = 50) -> Page[Any]:
    number = max(1, number)
    size = min(max(1, size), MAX_PAGE_SIZE)
    start = (number - 1) * size
    rows = list(queryset[start : start + size + 1])
    return Page(items=rows[:size], number=number, size=size, has_next=len(rows) > size)
