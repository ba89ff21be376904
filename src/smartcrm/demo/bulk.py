"""Bulk writes of DataFrames into model tables: COPY on PostgreSQL, executemany on SQLite.

The ORM's ``bulk_create`` builds a model instance per row; at ten million order lines that
alone takes longer than the whole load should. Here a frame goes to the database as one CSV
stream (PostgreSQL) or one ``executemany`` (SQLite), in the caller's transaction.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.db import connection, models
from psycopg.copy import QueuedLibpqWriter

COPY_SLICE_ROWS = 20_000


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return list(model._meta.concrete_fields)


def write_frame(model: type[models.Model], frame: pd.DataFrame) -> int:
    """Insert every row of ``frame`` (database column names, explicit ids) into ``model``'s table.

    Columns the model does not have are ignored. A column the frame lacks is NULL where the
    field is nullable, or the field's constant default (a field added later, such as an owner,
    that generated rows leave empty); any other missing column is an error.
    Values must already be in storage form (ciphertext for encrypted fields).
    """
    if frame.empty:
        return 0
    fields = _columns(model)
    absent = [f for f in fields if f.column not in frame.columns]
    missing = [f.column for f in absent if not f.null and not (f.has_default() and not callable(f.default))]
    if missing:
        raise ValueError(f"{model._meta.label}: missing columns {missing}")
    frame = frame.assign(**{f.column: None if f.null else f.default for f in absent})
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
