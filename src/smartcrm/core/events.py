"""Side effects of a write, named by the service that causes them and run after the commit.

Each domain app that sets something off has an ``events.py`` with one function per event
(``support.events.ticket_message_added(message)``, ``orders.events.order_placed(order)``...),
called by its services right where the write happens, so a reader of the service sees what
follows. Each function hands the saved row to the handlers listed beside it with
:func:`announce`.

Handlers belong to apps above the one announcing (text analysis, outbound webhooks), which the
layers contract forbids it to import: they are named by dotted path, like a lazy foreign key,
imported at the first announcement, and skipped when their app is not installed. A handler
runs at once, inside the writer's transaction, and only decides: it returns the work to do, or
``None`` when nobody wants it (a cached check, so bulk writers pay little per row). The work
runs after the transaction commits (``transaction.on_commit``): nothing leaves the process for
a row that is rolled back, and the work reads the row complete (an order's lines are written
after the order).

Bulk loaders that write with COPY (the demo, the bulk import) announce nothing; text analysis
catches up with ``smartcrm analyse_texts``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils.module_loading import import_string

Work = Callable[[], None]
Handler = Callable[[Any], Work | None]


@cache
def _handler(path: str) -> Handler | None:
    """The handler at ``path`` (``smartcrm.<app>.events.<name>``), or ``None`` if its app is not
    installed."""
    app = ".".join(path.split(".")[:2])
    if not apps.is_installed(app):
        return None
    handler: Handler = import_string(path)
    return handler


def announce(obj: Any, *handlers: str) -> None:
    """Give ``obj`` to each handler now; run the work they return after the commit, in order."""
    for path in handlers:
        handler = _handler(path)
        work = handler(obj) if handler is not None else None
        if work is not None:
            transaction.on_commit(work)
