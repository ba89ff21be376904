"""A connection PostgreSQL terminated is replaced on request (Django does not do it outside a
request, and a job's every later query would fail with "connection already closed")."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection

from smartcrm.core.connection import reconnect_if_broken

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_terminate_backend is PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def test_a_terminated_connection_is_replaced_outside_a_transaction() -> None:
    before = _backend_pid()
    reconnect_if_broken()  # a healthy connection is kept
    assert _backend_pid() == before
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
    with pytest.raises(DatabaseError):  # still the dead one
        _backend_pid()
    reconnect_if_broken()
    assert _backend_pid() != before
