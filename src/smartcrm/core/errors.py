"""Field-level validation errors raised by services and rendered by the API and the forms.

Every error carries a machine-readable code beside its human message, so a client can tell
failures apart without parsing the text. The API adds the code to each error body.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class ErrorCode(StrEnum):
    """The codes an error answer carries (the API's ``code`` keys)."""

    BAD_REQUEST = "bad_request"  # the request cannot be read at all (not JSON)
    NOT_AUTHENTICATED = "not_authenticated"  # no valid credentials
    TOKEN_EXPIRED = "token_expired"  # noqa: S105 - a code, not a secret; the API token is past its expiry date
    INSUFFICIENT_SCOPE = "insufficient_scope"  # the API token's scopes do not cover this call
    TWO_FACTOR_REQUIRED = "two_factor_required"  # the shop requires two-factor for this admin
    PERMISSION_DENIED = "permission_denied"  # the role may not do this (or no CSRF token)
    NOT_FOUND = "not_found"  # the object asked for does not exist
    INVALID = "invalid"  # input refused: a field's value, or the request as a whole
    METHOD_NOT_ALLOWED = "method_not_allowed"  # the path exists, but not with this method
    TOO_LARGE = "too_large"  # the request (or its URL) is larger than the server takes
    RATE_LIMITED = "rate_limited"  # too many requests; the answer says when to try again
    ERROR = "error"  # any other failure


class ServiceValidationError(ValueError):
    """Input that a service refuses, with a message per field (``"__all__"`` for the whole).

    ``codes`` gives a field a more specific code than ``invalid`` where a caller needs it.
    """

    code = ErrorCode.INVALID

    def __init__(self, errors: dict[str, str], codes: Mapping[str, str] | None = None) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
        self.codes: dict[str, str] = {key: (codes or {}).get(key, self.code) for key in errors}


class NotFoundError(LookupError):
    """The object asked for does not exist (or the caller may not know it exists)."""

    code = ErrorCode.NOT_FOUND
