"""A job's database connection after it was lost (a restarted server, a terminated backend).

Django replaces a broken connection at the start and end of each request; a job that runs
outside one keeps the dead connection, and every later query fails with "connection already
closed". A job that wants to record how it ended after a database error asks for a fresh one.
"""

from __future__ import annotations

from django.db import connection


def reconnect_if_broken() -> None:
    """Drop this thread's connection if an error left it unusable; the next query reconnects.

    Inside a transaction nothing can be done: the transaction is lost with its connection.
    """
    if connection.errors_occurred and not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()
