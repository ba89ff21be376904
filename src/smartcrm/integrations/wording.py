"""An inbound delivery's errors and notes in the reader's language.

Deliveries are read and applied where no reader's language is known (a shop's request, a
worker), so their field errors and notes are kept in English, as imports keep theirs
(:mod:`smartcrm.imports.wording`). They are shown through :func:`delivery_message`: each is read
back by the template below that wrote it and the translated template is filled with the same
values (``smartcrm.core.template_text``); a message a service wrote (a customer's email
refused…) is one of the catalogue's own messages and is translated as it is. The list must hold
every message the payload reader, the receiver and the sync write: the integration tests check it.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

from smartcrm.core.template_text import TemplateReader

TEMPLATES = (
    # the receiver (inbound.py)
    gettext_noop("This header is required."),
    gettext_noop("The body is not valid JSON."),
    # the payload reader (payloads.py)
    gettext_noop("This field is required."),
    gettext_noop("Must be an object."),
    gettext_noop("Must be a list."),
    gettext_noop("At most {limit} items."),
    gettext_noop("Must be an id (a number or a string)."),
    gettext_noop("At most {limit} characters."),
    gettext_noop("Must be text."),
    gettext_noop("Text cannot contain NUL characters."),
    gettext_noop("Must be an amount."),
    gettext_noop("Must be at most {limit} in size."),
    gettext_noop("Must be a whole number from 1 to 100000."),
    gettext_noop("Must be an ISO 8601 date and time."),
    gettext_noop("The body must be a JSON object."),
    gettext_noop("An order needs at least one line."),
    gettext_noop("Unknown order status; expected one of: {choices}."),
    # applying (sync.py)
    gettext_noop("Nothing to apply."),
    gettext_noop("customer.phone: not a valid phone number; not stored"),
    gettext_noop("customer.country: not a two-letter code; not stored"),
    gettext_noop("refund {refund}: capped at what is left to refund ({left})"),
    gettext_noop("refund {refund}: nothing left to refund; not recorded"),
    # the services the sync calls (customers, orders), %-style
    "Must be one of: %(choices)s.",
    "At most %(limit)s characters.",
)

_reader = TemplateReader(lambda: TEMPLATES)


def delivery_message(text: str) -> str:
    """An error or note a delivery stored, in the active language (unknown text as it is)."""
    found = _reader.find(text)
    return gettext(text) if found is None and text else (found or text)
