"""Field-level validation errors raised by services and rendered by the API and the forms."""

from __future__ import annotations


class ServiceValidationError(ValueError):
    """Input that a service refuses, with a message per field (``"__all__"`` for the whole)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class NotFoundError(LookupError):
    """The object asked for does not exist (or the caller may not know it exists)."""
