"""pydantic's messages for a request that does not match its schema, in the request's language.

ninja reports them as pydantic writes them (English). The common kinds, recognised by their
``type`` and filled from their ``ctx``, are written again through gettext; a kind not listed
keeps pydantic's text. The ``type`` itself stays as it is: clients match on it, not on words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

MESSAGES = {
    "missing": gettext_noop("This field is required."),
    "string_type": gettext_noop("Enter text."),
    "string_too_short": gettext_noop("At least %(min_length)s characters."),
    "string_too_long": gettext_noop("At most %(max_length)s characters."),
    "string_pattern_mismatch": gettext_noop("Does not match the expected pattern."),
    "int_parsing": gettext_noop("Enter a whole number."),
    "int_type": gettext_noop("Enter a whole number."),
    "int_from_float": gettext_noop("Enter a whole number."),
    "float_parsing": gettext_noop("Enter a number."),
    "float_type": gettext_noop("Enter a number."),
    "decimal_parsing": gettext_noop("Enter a number."),
    "decimal_type": gettext_noop("Enter a number."),
    "bool_parsing": gettext_noop("Enter true or false."),
    "bool_type": gettext_noop("Enter true or false."),
    "date_parsing": gettext_noop("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": gettext_noop("Enter a date as YYYY-MM-DD."),
    "date_type": gettext_noop("Enter a date as YYYY-MM-DD."),
    "datetime_parsing": gettext_noop("Enter a date and time (ISO 8601)."),
    "datetime_from_date_parsing": gettext_noop("Enter a date and time (ISO 8601)."),
    "datetime_type": gettext_noop("Enter a date and time (ISO 8601)."),
    "literal_error": gettext_noop("Must be one of: %(expected)s."),
    "enum": gettext_noop("Must be one of: %(expected)s."),
    "greater_than": gettext_noop("Must be greater than %(gt)s."),
    "greater_than_equal": gettext_noop("Must be at least %(ge)s."),
    "less_than": gettext_noop("Must be less than %(lt)s."),
    "less_than_equal": gettext_noop("Must be at most %(le)s."),
    "list_type": gettext_noop("Enter a list."),
    "dict_type": gettext_noop("Enter an object."),
    "model_type": gettext_noop("Enter an object."),
    "too_short": gettext_noop("At least %(min_length)s items."),
    "too_long": gettext_noop("At most %(max_length)s items."),
    "extra_forbidden": gettext_noop("Unknown field."),
    "uuid_parsing": gettext_noop("Enter a valid UUID."),
    "url_parsing": gettext_noop("Enter a valid URL."),
}


def translated(error: Mapping[str, Any]) -> str:
    """The error's ``msg`` in the active language (pydantic's own text for other kinds)."""
    template = MESSAGES.get(str(error.get("type", "")))
    if template is None:
        return str(error.get("msg", ""))
    try:
        return _(template) % dict(error.get("ctx") or {})
    except (KeyError, TypeError, ValueError):
        return str(error.get("msg", ""))
