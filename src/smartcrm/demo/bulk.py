"""Bulk writes of DataFrames into model tables: COPY on PostgreSQL, executemany on SQLite.

The ORM's ``bulk_create`` builds a model instance per row; at ten million order lines that
alone takes longer than the whole load should. Here a frame goes to the database as one CSV
stream (PostgreSQL) or one ``executemany`` (SQLite), in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd
from django.db import connection, models
from psycopg.copy import QueuedLibpqWriter

COPY_SLICE_ROWS = 20_000


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return list(model._meta.concrete_fields)


def write_frame(model: type[models.Model], frame: pd.DataFrame) -> int:
    """Insert every row of ``frame`` (database column names, explicit ids) into ``model``'s table.

    Columns the model does not have are ignored; every concrete column must be present.
    Values must already be in storage form (ciphertext for encrypted fields).
    """
    if frame.empty:
        return 0
    fields = _columns(model)
    missing = [f.column for f in fields if f.column not in frame.columns]
    if missing:
        raise ValueError(f"{model._meta.label}: missing columns {missing}")
    data = frame[[f.column for f in fields]]
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        _copy_postgres(model, fields, data)
    else:
        _insert_generic(model, fields, data)
    return len(data)


def _copy_postgres(
    model: type[models.Model], fields: list[models.Field[Any, Any]], data: pd.DataFrame
) -> None:
    qn = connection.ops.quote_name
    # In CSV an unquoted empty value is NULL; NOT NULL text columns read it as "" instead.
    not_null_text = [
        qn(f.column) for f in fields if not f.null and isinstance(f, (models.CharField, models.TextField))
    ]
    options = "FORMAT csv"
    if not_null_text:
        options += f", FORCE_NOT_NULL ({', '.join(not_null_text)})"
    columns = ", ".join(qn(f.column) for f in fields)
    sql = f"COPY {qn(model._meta.db_table)} ({columns}) FROM STDIN WITH ({options})"
    raw = connection.connection
    with raw.cursor() as cursor, cursor.copy(sql, writer=QueuedLibpqWriter(cursor)) as copy:
        # Slices keep both cores busy: the server ingests one slice while Python formats the
        # next, and a writer thread does the sending.
        for start in range(0, len(data), COPY_SLICE_ROWS):
            piece = data.iloc[start : start + COPY_SLICE_ROWS]
            copy.write(piece.to_csv(index=False, header=False, lineterminator="\n"))


def _insert_generic(
    model: type[models.Model], fields: list[models.Field[Any, Any]], data: pd.DataFrame
) -> None:
    out: dict[str, Any] = {}
    for field in fields:
        series = data[field.column]
        if pd.api.types.is_datetime64_any_dtype(series):
            text = series.dt.strftime("%Y-%m-%d %H:%M:%S").astype(object)
            out[field.column] = text.where(series.notna(), None)
        elif pd.api.types.is_bool_dtype(series):
            out[field.column] = series.astype(int).astype(object)
        elif isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            out[field.column] = series.map(lambda d: None if pd.isna(d) else d.isoformat()).astype(object)
        else:
            values = series.astype(object)
            out[field.column] = values.where(series.notna(), None)
    rows = list(pd.DataFrame(out).itertuples(index=False, name=None))
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks})", rows)  # noqa: S608 - names are ours


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
