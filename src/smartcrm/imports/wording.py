"""An import's row and file errors in the reader's language.

Imports run in the background, where no reader's language is known, so their errors are kept in
English (the run's stored errors and its error file). They are shown through :func:`row_message`:
each is read back by the template below that wrote it and the translated template is filled
with the same values (``smartcrm.core.template_text``); a message a service wrote (a customer's
email refused…) is one of the catalogue's own messages and is translated as it is. The list must
hold every message the readers, parsers and importers write: the import tests check it.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

from smartcrm.core.template_text import TemplateReader

TEMPLATES = (
    # a cell (parsing.py, the bulk path's column checks)
    _("Enter a number, e.g. 1234.50 (also accepted: 1,234.50, 1.234,50, €12.50)."),
    _("Enter a number, e.g. 1234.50."),
    _("Cannot be negative."),
    _("Must be at least {minimum}."),
    _("At most {places} decimal places."),
    _("Too large (at most {digits} digits before the decimal point)."),
    _("Enter a whole number, e.g. 3."),
    _("Must be at most {maximum}."),
    _("Use true or false (also accepted: yes/no, 1/0)."),
    _("Not a real date (check the day and month)."),
    _("Use a date like 2024-03-31 or 31/03/2024, or a date-time like 2024-03-31T14:05:00+02:00."),
    _("Must be one of: {choices}."),
    _("Use a three-letter ISO currency code, e.g. EUR."),
    _("At most {limit} characters."),
    _("Its currency sign differs from the row's currency column."),
    _("Contains a NUL character (a damaged or binary file?)."),
    _("Longer than {limit} characters."),
    # a row (reader.py, bulk.py)
    _("The row has more cells than the header has columns (check quoting and delimiters)."),
    _("The row has fewer cells than the header has columns."),
    _("Repeats the header row (were two files joined together?); skipped."),
    _(
        "A quote opened in this row is never closed, so the rest of the file ran into it "
        "(rows after it were not read); close the quote and import again."
    ),
    # the importers
    _("Required."),
    _("Required for a new product."),
    _("A category name needs at least one letter or digit."),
    _("Differs from row {row} of the same order; an order has one value here."),
    _("Not imported: row {row} of the same order has errors."),
    _("No customer with this id in system '{system}' (import the customers first)."),
    _("No order with this id (import the orders first)."),
    _("No product with this SKU (import the products first)."),
    _("The database refused this row (it may clash with another change); nothing of it was saved."),
    # the file as a whole (sources.py, reader.py, runs.py)
    _("The file is empty."),
    _("Missing required column(s): {columns}."),
    _("Cannot read {name}: {reason}."),
    _("This is an old-style Excel workbook (.xls). Save it as .xlsx or as CSV and import that file."),
    _(
        "The file is named .xlsx but is not an Excel workbook (it is not a zip archive). "
        "Export it again from your spreadsheet, or rename it .csv if it is CSV text."
    ),
    _("This is a zip archive, not an .xlsx workbook or CSV file."),
    _("This zip file is not an Excel workbook (.xlsx): it has no xl/workbook.xml."),
    _("The workbook cannot be read (damaged or truncated); save it again."),
    _("The workbook has no sheets."),
    _("The workbook's first sheet is damaged or truncated part-way; save it again."),
    _("Cancelled; the batches before were kept. Resume to continue after them."),
    # the services the importers call (customers, orders, reviews…), %-style
    "Must be one of: %(choices)s.",
    "At most %(limit)s characters.",
)

_reader = TemplateReader(lambda: TEMPLATES)


def row_message(text: str) -> str:
    """An error an import wrote, in the active language (unknown text as it is)."""
    found = _reader.find(text)
    return gettext(text) if found is None and text else (found or text)
