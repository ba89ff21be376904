"""One error format for every failure: ``{"detail": ...}``, field errors as ninja reports them.

ninja answers a request that does not match its schema with 422 and a list of
``{"loc", "msg", "type"}`` items. The services raise ``ServiceValidationError`` with a message
per field; the handlers here turn those into the same list, so a client handles one shape
whether the schema or the business rules refused the input.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema

from smartcrm.core.errors import NotFoundError, ServiceValidationError

# Where a service's field errors point: the JSON body, as ninja's own errors do.
BODY_LOC: tuple[str | int, ...] = ("body", "payload")
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class ErrorOut(Schema):
    """A failure without field details (401, 403, 404, unreadable body)."""

    detail: str


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    """Field-level errors (422): each names the field by its path in the request."""

    detail: list[FieldErrorOut]


class ApiValidationError(ServiceValidationError):
    """Field errors that already carry their full location (for query or path parameters)."""

    def __init__(self, loc: tuple[str | int, ...], msg: str, type_: str = "value_error") -> None:
        super().__init__({".".join(map(str, loc)): msg})
        self.loc, self.msg, self.type = loc, msg, type_


def field_loc(key: str, prefix: tuple[str | int, ...] = BODY_LOC) -> list[str | int]:
    """``"lines[0].product_id"`` → ``["body", "payload", "lines", 0, "product_id"]``."""
    if key == "__all__":
        return list(prefix)
    parts: list[str | int] = [
        int(index) if index else name for name, index in _PART.findall(key) if name or index
    ]
    return [*prefix, *parts]


def validation_detail(exc: ServiceValidationError) -> list[dict[str, Any]]:
    if isinstance(exc, ApiValidationError):
        return [{"loc": list(exc.loc), "msg": exc.msg, "type": exc.type}]
    return [{"loc": field_loc(key), "msg": msg, "type": "value_error"} for key, msg in exc.errors.items()]


@contextmanager
def renamed_fields(names: Mapping[str, str]) -> Iterator[None]:
    """Report a service's field errors under the API's field names (``line`` → ``line_id``)."""
    try:
        yield
    except ServiceValidationError as exc:
        if isinstance(exc, ApiValidationError):
            raise
        raise ServiceValidationError({names.get(k, k): v for k, v in exc.errors.items()}) from exc


def install_handlers(api: NinjaAPI) -> None:
    def on_service_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, {"detail": validation_detail(exc)}, status=422)

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, {"detail": "Not found."}, status=404)

    api.add_exception_handler(ServiceValidationError, on_service_validation)
    api.add_exception_handler(NotFoundError, on_not_found)


# Declared responses: every operation lists the failures it can answer with, so the OpenAPI
# document is complete and the tests can refuse any status code it does not declare.
AUTH_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut}
READ_ERRORS: dict[int, type[Schema]] = {**AUTH_ERRORS, 422: ValidationErrorOut}
ONE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 404: ErrorOut}
CREATE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 400: ErrorOut}
WRITE_ERRORS: dict[int, type[Schema]] = {**ONE_ERRORS, 400: ErrorOut}
