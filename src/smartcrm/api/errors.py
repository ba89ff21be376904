"""One error format for every failure: ``{"detail": ..., "code": ...}``, field errors as ninja
reports them.

ninja answers a request that does not match its schema with 422 and a list of
``{"loc", "msg", "type"}`` items. The services raise ``ServiceValidationError`` with a message
per field; the handlers here turn those into the same list, so a client handles one shape
whether the schema or the business rules refused the input. Every body, and every field error,
also carries a ``code`` from ``core.errors.ErrorCode`` (or a service's own code for a field).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as SchemaValidationError

from smartcrm.api.schema_messages import translated
from smartcrm.core.errors import ErrorCode, NotFoundError, ServiceValidationError
from smartcrm.core.ratelimit import RateLimited

# Where a service's field errors point: the JSON body, as ninja's own errors do.
BODY_LOC: tuple[str | int, ...] = ("body", "payload")
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class ErrorOut(Schema):
    """A failure without field details (401, 403, 404, unreadable body)."""

    detail: str
    code: str


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str
    type: str
    code: str


class ValidationErrorOut(Schema):
    """Field-level errors (422): each names the field by its path in the request."""

    detail: list[FieldErrorOut]
    code: str


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


# Codes of the statuses ninja answers itself (bad body, credentials, role or CSRF check).
STATUS_CODES: dict[int, ErrorCode] = {
    400: ErrorCode.BAD_REQUEST,
    401: ErrorCode.NOT_AUTHENTICATED,
    403: ErrorCode.PERMISSION_DENIED,
    404: ErrorCode.NOT_FOUND,
    422: ErrorCode.INVALID,
}


def validation_detail(exc: ServiceValidationError) -> list[dict[str, Any]]:
    if isinstance(exc, ApiValidationError):
        return [{"loc": list(exc.loc), "msg": exc.msg, "type": exc.type, "code": exc.code}]
    return [
        {"loc": field_loc(key), "msg": msg, "type": "value_error", "code": exc.codes[key]}
        for key, msg in exc.errors.items()
    ]


@contextmanager
def renamed_fields(names: Mapping[str, str]) -> Iterator[None]:
    """Report a service's field errors under the API's field names (``line`` → ``line_id``)."""
    try:
        yield
    except ServiceValidationError as exc:
        if isinstance(exc, ApiValidationError):
            raise
        raise ServiceValidationError(
            {names.get(k, k): v for k, v in exc.errors.items()},
            {names.get(k, k): c for k, c in exc.codes.items()},
        ) from exc


# The texts ninja answers with itself, marked for translation: the answer is in the request's
# language (Accept-Language, or the signed-in user's choice); the code stays as it is.
NINJA_MESSAGES = {
    text: text
    for text in (
        gettext_noop("Unauthorized"),
        gettext_noop("Forbidden"),
        gettext_noop("CSRF check Failed"),
        gettext_noop("Cannot parse request body"),
        gettext_noop("Too many requests."),
    )
}


def translated_detail(message: str) -> str:
    """One of ninja's own messages in the active language; any other message as it is (ours are
    translated where they are raised)."""
    return _(message) if message in NINJA_MESSAGES else message


def install_handlers(api: NinjaAPI) -> None:
    def on_service_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        body = {"detail": validation_detail(exc), "code": exc.code}
        return api.create_response(request, body, status=422)

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(
            request, {"detail": _("Not found."), "code": NotFoundError.code}, status=404
        )

    # ninja's own answers, as its default handlers give them, plus the code.
    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        # A more precise code where the raiser gave one (an expired token, a missing scope).
        code = getattr(exc, "code", None) or STATUS_CODES.get(exc.status_code, ErrorCode.ERROR)
        body = {"detail": translated_detail(str(exc)), "code": code}
        return api.create_response(request, body, status=exc.status_code)

    def on_schema_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        detail = [{**error, "msg": translated(error), "code": ErrorCode.INVALID} for error in exc.errors]
        return api.create_response(request, {"detail": detail, "code": ErrorCode.INVALID}, status=422)

    def on_http404(request: HttpRequest, exc: Any) -> HttpResponse:
        detail = f"{status_phrase(404)}: {exc}" if settings.DEBUG else status_phrase(404)
        return api.create_response(request, {"detail": detail, "code": ErrorCode.NOT_FOUND}, status=404)

    def on_rate_limited(request: HttpRequest, exc: Any) -> HttpResponse:
        detail = _("Too many requests; try again in %(seconds)s s.") % {"seconds": exc.retry_after}
        body = {"detail": detail, "code": ErrorCode.RATE_LIMITED}
        response = api.create_response(request, body, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response

    api.add_exception_handler(ServiceValidationError, on_service_validation)
    api.add_exception_handler(RateLimited, on_rate_limited)
    api.add_exception_handler(NotFoundError, on_not_found)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(SchemaValidationError, on_schema_validation)
    api.add_exception_handler(Http404, on_http404)


# Declared responses: every operation lists the failures it can answer with, so the OpenAPI
# document is complete and the tests can refuse any status code it does not declare.
AUTH_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut}
READ_ERRORS: dict[int, type[Schema]] = {**AUTH_ERRORS, 422: ValidationErrorOut}
ONE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 404: ErrorOut}
CREATE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 400: ErrorOut}
WRITE_ERRORS: dict[int, type[Schema]] = {**ONE_ERRORS, 400: ErrorOut}


class JsonErrorsMiddleware:
    """Every failure under /api/ answers in the error format, also those the API's handlers never
    see: Django's 404 for an unknown path, ninja's plain-text 405 for a method the path does not
    take, 413 for a body past ``DATA_UPLOAD_MAX_MEMORY_SIZE``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            status = response.status_code
            code = PLAIN_CODES.get(status, ErrorCode.ERROR)
            body = {"detail": status_phrase(status), "code": code}
            replaced = JsonResponse(body, status=status)
            if "Allow" in response:
                replaced["Allow"] = response["Allow"]
            return replaced
        return response


# The phrases of the statuses Django or ninja answer in plain text under /api/.
STATUS_PHRASES = {
    400: gettext_noop("Bad Request"),
    401: gettext_noop("Unauthorized"),
    403: gettext_noop("Forbidden"),
    404: gettext_noop("Not Found"),
    405: gettext_noop("Method Not Allowed"),
    413: gettext_noop("Request Entity Too Large"),
    414: gettext_noop("Request-URI Too Long"),
    429: gettext_noop("Too Many Requests"),
    500: gettext_noop("Internal Server Error"),
}


def status_phrase(status: int) -> str:
    if status in STATUS_PHRASES:
        return _(STATUS_PHRASES[status])
    return HTTPStatus(status).phrase if status in HTTP_STATUSES else _("Error")


PLAIN_CODES: dict[int, ErrorCode] = {
    **STATUS_CODES,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    413: ErrorCode.TOO_LARGE,
    414: ErrorCode.TOO_LARGE,
    429: ErrorCode.RATE_LIMITED,
}
HTTP_STATUSES = frozenset(s.value for s in HTTPStatus)
