"""A model field that stores its text encrypted with AES-GCM (see smartcrm.core.crypto)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Lookup

from smartcrm.core.pii import keyring


class EncryptedTextField(models.TextField):
    """Text encrypted at rest; the plaintext exists only in Python memory.

    The associated data binds each value to ``app_label.model.field`` so that ciphertext moved
    between columns or tables fails to decrypt. Only ``isnull`` lookups are allowed: use the
    companion keyed-hash column for exact matches.
    """

    description = "Text encrypted at rest with AES-GCM"

    def _context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value: str | None, expression: Any, connection: BaseDatabaseWrapper) -> str:
        if value is None or value == "":
            return ""
        return keyring().decrypt(value, self._context())

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        text = str(value)
        if text == "":
            return ""
        return keyring().encrypt(text, self._context())

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        if lookup_name not in ("isnull", "exact"):
            raise FieldError(f"encrypted field {self.name!r} supports no {lookup_name!r} lookup")
        if lookup_name == "exact":
            raise FieldError(f"encrypted field {self.name!r}: filter on its lookup hash instead")
        return super().get_lookup(lookup_name)
