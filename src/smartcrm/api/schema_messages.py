"""pydantic's messages for a request that does not match its schema, in the request's language.

ninja reports them as pydantic writes them (English). Every kind our schemas can raise is
recognised by its ``type`` and written again through gettext, filled from its ``ctx``; a
``value_error`` (one of our validators: control characters, a date's range…) carries its own
message, marked for translation where it is raised. A kind not listed, or a message no catalog
knows, gets a generic sentence in the reader's language: pydantic's English never reaches a
reader of another language. The ``type`` itself stays as it is: clients match on it, not on words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language, gettext, gettext_noop

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
    # the rarer kinds our field types can still raise
    "string_unicode": gettext_noop("Enter text (valid Unicode)."),
    "string_sub_type": gettext_noop("Enter text."),
    "int_parsing_size": gettext_noop("The number is too large."),
    "finite_number": gettext_noop("Enter a finite number."),
    "decimal_max_digits": gettext_noop("At most %(max_digits)s digits in total."),
    "decimal_max_places": gettext_noop("At most %(decimal_places)s decimal places."),
    "decimal_whole_digits": gettext_noop("At most %(whole_digits)s digits before the decimal point."),
    "date_from_datetime_inexact": gettext_noop("Enter a date without a time of day."),
    "date_future": gettext_noop("Enter a date in the future."),
    "date_past": gettext_noop("Enter a date in the past."),
    "datetime_object_invalid": gettext_noop("Not a real date and time."),
    "datetime_future": gettext_noop("Enter a date and time in the future."),
    "datetime_past": gettext_noop("Enter a date and time in the past."),
    "timezone_naive": gettext_noop("Enter a date and time without a time-zone offset."),
    "timezone_aware": gettext_noop("Enter a date and time with a time-zone offset."),
    "time_parsing": gettext_noop("Enter a time of day (HH:MM)."),
    "time_type": gettext_noop("Enter a time of day (HH:MM)."),
    "multiple_of": gettext_noop("Must be a multiple of %(multiple_of)s."),
    "json_invalid": gettext_noop("Not valid JSON."),
    "json_type": gettext_noop("Enter JSON text."),
    "model_attributes_type": gettext_noop("Enter an object."),
    "dataclass_type": gettext_noop("Enter an object."),
    "tuple_type": gettext_noop("Enter a list."),
    "set_type": gettext_noop("Enter a list."),
    "iterable_type": gettext_noop("Enter a list."),
    "none_required": gettext_noop("Must be null."),
    "union_tag_invalid": gettext_noop("Unknown kind %(tag)s; expected one of: %(expected_tags)s."),
    "union_tag_not_found": gettext_noop("The field %(discriminator)s is required."),
    "uuid_type": gettext_noop("Enter a valid UUID."),
    "uuid_version": gettext_noop("Enter a valid UUID."),
    "url_type": gettext_noop("Enter a valid URL."),
    "url_too_long": gettext_noop("The URL is too long (at most %(max_length)s characters)."),
    "url_scheme": gettext_noop("The URL must start with %(expected_schemes)s."),
    "bytes_type": gettext_noop("Enter text."),
    "bytes_too_long": gettext_noop("At most %(max_length)s bytes."),
    "frozen_field": gettext_noop("This field cannot be changed."),
    "missing_argument": gettext_noop("This field is required."),
    "unexpected_keyword_argument": gettext_noop("Unknown field."),
    "assertion_error": gettext_noop("Enter a valid value."),
}
QUOTED_OR = re.compile(r"' or '")
# Anything else: never pydantic's English.
GENERIC = gettext_noop("Enter a valid value.")


def translated(error: Mapping[str, Any]) -> str:
    """The error's ``msg`` in the active language (a generic sentence for a kind not listed)."""
    kind = str(error.get("type", ""))
    ctx = dict(error.get("ctx") or {})
    if kind == "value_error":
        return _own_message(ctx.get("error"))
    template = MESSAGES.get(kind)
    if template is None:
        return gettext(GENERIC)
    try:
        return gettext(template) % {name: _value(value) for name, value in ctx.items()}
    except (KeyError, TypeError, ValueError):
        return gettext(GENERIC)


def _own_message(error: Any) -> str:
    """A validator's message (marked for translation where it is raised) in the active language."""
    message = str(error or "")
    worded = gettext(message) if message else ""
    other_language = not (get_language() or "en").startswith("en")
    if not worded or (worded == message and message.isascii() and other_language):
        return gettext(GENERIC)  # a message no catalog knows: not shown in English to others
    return worded


def _value(value: Any) -> str:
    """A ``ctx`` value as a reader sees it: pydantic lists choices in English (``'a', 'b' or
    'c'``), written here as a plain list (``'a', 'b', 'c'``)."""
    return QUOTED_OR.sub("', '", str(value))
