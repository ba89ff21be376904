"""Input types and the list envelope shared by every router.

Inputs are bounded here, before any service runs: a string longer than its column, an id past
a 64-bit integer, a price with more digits than its column, a NUL byte or a lone surrogate
would otherwise reach the database and fail there as a 500. Text refuses control characters
(``core.text``); a date refuses an offset PostgreSQL cannot store, and the date of something that
happened (``Recorded``) must be plausible (``core.moments``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from smartcrm.accounts.masking import free_text_for
from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.core.moments import check_offset, check_recorded
from smartcrm.core.pagination import MAX_PAGE_SIZE, Page
from smartcrm.core.text import check_text

T = TypeVar("T")
MAX_ID = 2**63 - 1


def storable(value: str) -> str:
    """Refuse control characters (NUL included) and text UTF-8 cannot encode (lone surrogates)."""
    return check_text(value)


def aware(value: datetime) -> datetime:
    """A datetime without an offset is read in the shop's time zone (settings.TIME_ZONE).

    Its offset must be one PostgreSQL stores (±15:59), and it must stay within years 1 to 9999
    once converted to UTC, as it is stored in UTC.
    """
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return check_offset(value)


class ControlFree:
    """Pydantic metadata for text inputs: ``storable`` checks the value, and the schema states the
    rule as a pattern (for clients and fuzzers; the check gives the clearer message)."""

    PATTERN = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]*$"

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(storable, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["pattern"] = self.PATTERN
        return json_schema


CONTROL_FREE = ControlFree()
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Text2 = Annotated[str, Field(max_length=2), CONTROL_FREE]
Text10 = Annotated[str, Field(max_length=10), CONTROL_FREE]
Text20 = Annotated[str, Field(max_length=20), CONTROL_FREE]
Text40 = Annotated[str, Field(max_length=40), CONTROL_FREE]
Text50 = Annotated[str, Field(max_length=50), CONTROL_FREE]
Text64 = Annotated[str, Field(max_length=64), CONTROL_FREE]
Text100 = Annotated[str, Field(max_length=100), CONTROL_FREE]
Text120 = Annotated[str, Field(max_length=120), CONTROL_FREE]
Text200 = Annotated[str, Field(max_length=200), CONTROL_FREE]
Text254 = Annotated[str, Field(max_length=254), CONTROL_FREE]
Text500 = Annotated[str, Field(max_length=500), CONTROL_FREE]
LongText = Annotated[str, Field(max_length=50_000), CONTROL_FREE]
Search = Annotated[str, Field(max_length=200), CONTROL_FREE]
When = Annotated[datetime, AfterValidator(aware)]
# The date of something that happened: from 1900 to a year from now.
Recorded = Annotated[
    datetime,
    AfterValidator(aware),
    AfterValidator(check_recorded),
    Field(description="ISO 8601; from 1900 to a year from now; offset within ±15:59"),
]
# A calendar day asked about or planned (a report's range, a renewal): within what the analyses'
# calendars hold (pandas counts in nanoseconds from 1677 to 2262).
Day = Annotated[date, Field(ge=date(1900, 1, 1), le=date(2199, 12, 31))]
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


def text_for_caller(text: str, context: Mapping[str, Any] | None) -> str:
    """Free text in an answer, as the caller may read it (``accounts.masking``): for a resolver
    ``resolve_<field>(obj, context)``, which ninja gives the request."""
    request = (context or {}).get("request")
    return free_text_for(getattr(request, "auth", None), text)
