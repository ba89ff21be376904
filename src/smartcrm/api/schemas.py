"""Input types and the list envelope shared by every router.

Inputs are bounded here, before any service runs: a string longer than its column, an id past
a 64-bit integer, a price with more digits than its column, a NUL byte or a lone surrogate
would otherwise reach the database and fail there as a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator

from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.core.pagination import MAX_PAGE_SIZE, Page

T = TypeVar("T")
MAX_ID = 2**63 - 1


def storable(value: str) -> str:
    """Refuse text that PostgreSQL cannot store (NUL) or UTF-8 cannot encode (lone surrogates)."""
    if "\x00" in value:
        raise ValueError("Text cannot contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("Text must be valid Unicode.") from exc
    return value


def aware(value: datetime) -> datetime:
    """A datetime without an offset is read in the shop's time zone (settings.TIME_ZONE).

    It must stay within years 1 to 9999 once converted to UTC, as it is stored in UTC.
    """
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("Date out of range.") from exc
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Text2 = Annotated[str, Field(max_length=2), AfterValidator(storable)]
Text10 = Annotated[str, Field(max_length=10), AfterValidator(storable)]
Text20 = Annotated[str, Field(max_length=20), AfterValidator(storable)]
Text40 = Annotated[str, Field(max_length=40), AfterValidator(storable)]
Text50 = Annotated[str, Field(max_length=50), AfterValidator(storable)]
Text64 = Annotated[str, Field(max_length=64), AfterValidator(storable)]
Text100 = Annotated[str, Field(max_length=100), AfterValidator(storable)]
Text120 = Annotated[str, Field(max_length=120), AfterValidator(storable)]
Text200 = Annotated[str, Field(max_length=200), AfterValidator(storable)]
Text254 = Annotated[str, Field(max_length=254), AfterValidator(storable)]
Text500 = Annotated[str, Field(max_length=500), AfterValidator(storable)]
LongText = Annotated[str, Field(max_length=50_000), AfterValidator(storable)]
Search = Annotated[str, Field(max_length=200), AfterValidator(storable)]
When = Annotated[datetime, AfterValidator(aware)]
Money = Annotated[Decimal, Field(max_digits=12, decimal_places=2, ge=0)]
Currency = Annotated[str, Field(pattern=r"^[A-Za-z]{3}$")]


def omittable(**kwargs: Any) -> Any:
    """A PATCH field: left out means unchanged; ``null`` is refused unless its type allows it."""
    return Field(None, **kwargs)


class PageQuery(Schema):
    """Page-number pagination; lists answer with ``has_next`` instead of a total count."""

    page: int = Field(1, ge=1, le=1_000_000, description="1-based page number")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description=f"Rows per page, at most {MAX_PAGE_SIZE}")


class PageMeta(Schema):
    page: int
    page_size: int
    has_next: bool = Field(description="Whether another page follows (lists are never counted)")


def page_response(page: Page[Any]) -> dict[str, Any]:
    """The list envelope every list endpoint returns."""
    return {"items": page.items, "page": page.number, "page_size": page.size, "has_next": page.has_next}


def referenced(getter: Callable[[int], T], object_id: int, field: str) -> T:
    """Load an object named by an id in the request body; an unknown id is a field error (422)."""
    try:
        return getter(object_id)
    except NotFoundError as exc:
        raise ServiceValidationError({field: f"Nothing with id {object_id}."}) from exc
