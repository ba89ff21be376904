"""Database utilities for bulk writes: drop a table's secondary indexes and foreign keys for a load."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, models


@contextmanager
def deferred_indexes(models_: list[type[models.Model]], *, unique: bool = False) -> Iterator[None]:
    """On PostgreSQL, drop secondary indexes and foreign keys of these tables, put them back after.

    Maintaining eight indexes and checking a foreign key row by row costs several times the
    insert itself; building an index once over the loaded table, and validating a foreign
    key with one set-based scan, costs a fraction (pg_restore loads the same way). Only for
    a fresh load: callers use it when the tables are empty. The definitions are read from
    the catalog, so they come back exactly as the migrations made them, even if the load
    fails half-way. Primary keys stay; unique constraints stay too unless ``unique``, and then a
    duplicate the load let in fails the statement that puts its constraint back.
    """
    if connection.vendor != "postgresql":
        yield
        return
    tables = [m._meta.db_table for m in models_]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            WHERE (c.contype = 'f' OR (c.contype = 'u' AND %s)) AND c.conrelid::regclass::text = ANY(%s)
            ORDER BY c.contype DESC
            """,
            [unique, tables],
        )
        constraints = cursor.fetchall()  # unique ones first: foreign keys may need them
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        qn = connection.ops.quote_name
        # Inside an outer transaction (tests), rows already written have pending deferred checks,
        # and PostgreSQL refuses to alter a table with pending trigger events: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _ in reversed(constraints):
            cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {qn(name)}")

    def put_back() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _, definition in indexes:
                cursor.execute(definition)
            for table, name, definition in constraints:
                cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    try:
        yield
    except BaseException:
        # Inside a transaction its rollback puts back what was dropped (and building them here
        # could fail in turn, hiding why the load failed); a load that commits as it goes
        # (autocommit) gets them back now.
        if not connection.in_atomic_block:
            put_back()
        raise
    put_back()
