"""Every kind of import by name (``customers``, ``products``, ``orders``, ``tickets``, ``reviews``).

The importers live in ``importers`` (shop data) and ``feedback_importers`` (support and
reviews, built on the base classes of ``importers``); this module gathers them, so neither of
the two imports the other back.
"""

from __future__ import annotations

from smartcrm.imports.errors import ImportFileError
from smartcrm.imports.feedback_importers import ReviewImporter, TicketImporter
from smartcrm.imports.importers import CustomerImporter, Importer, OrderImporter, ProductImporter

IMPORTERS: dict[str, type[Importer]] = {
    importer.kind: importer
    for importer in (CustomerImporter, ProductImporter, OrderImporter, TicketImporter, ReviewImporter)
}


def importer_class(kind: str) -> type[Importer]:
    """The importer for ``kind``; raises ImportFileError naming the kinds there are."""
    found = IMPORTERS.get(kind)
    if found is None:
        raise ImportFileError(f"Unknown kind of import '{kind}'; use one of: {', '.join(IMPORTERS)}.")
    return found
