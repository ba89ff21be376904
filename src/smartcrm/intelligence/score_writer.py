"""Upsert CustomerScore rows in bulk: COPY into a temporary table on PostgreSQL, bulk_create elsewhere.

At a million customers, ``bulk_create(update_conflicts=True)`` spends most of its time building
model instances and binding parameters (about 115 µs a row here). COPY streams plain tuples and
one ``INSERT … ON CONFLICT`` applies them set-wise. SQLite (the embedded default, small shops)
keeps the ORM path. Both write the same columns; tests run on both databases.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from psycopg.types.json import Jsonb

from smartcrm.intelligence.models import CustomerScore

BATCH = 5_000


class EncodedJson(str):
    """A JSON column's value already encoded (``training.score_rows`` builds the explanations'
    JSON from phrases encoded once): COPY sends it as it is, the ORM gets it decoded."""


def copy_json(value: Any) -> Any:
    """A JSON column's value for COPY."""
    return value if isinstance(value, EncodedJson) else Jsonb(value)


def orm_json(value: Any) -> Any:
    """A JSON column's value for a model instance."""
    return json.loads(value) if isinstance(value, EncodedJson) else value


def upsert_scores(rows: Iterable[dict[str, Any]], fields: Sequence[str]) -> int:
    """Insert or replace each customer's scores (``rows`` hold ``customer_id`` and ``fields``); the count."""
    if connection.vendor == "postgresql":
        return _copy_upsert(rows, fields)
    return _orm_upsert(rows, fields)


def _orm_upsert(rows: Iterable[dict[str, Any]], fields: Sequence[str]) -> int:
    written = 0
    batch: list[CustomerScore] = []
    json_fields = [
        f.name for f in CustomerScore._meta.concrete_fields if f.get_internal_type() == "JSONField"
    ]
    for row in rows:
        batch.append(CustomerScore(**(row | {f: orm_json(row[f]) for f in json_fields if f in row})))
        if len(batch) == BATCH:
            written += _flush(batch, fields)
            batch = []
    return written + (_flush(batch, fields) if batch else 0)


def _flush(batch: list[CustomerScore], fields: Sequence[str]) -> int:
    CustomerScore.objects.bulk_create(
        batch, update_conflicts=True, unique_fields=["customer"], update_fields=list(fields)
    )
    return len(batch)


def _copy_upsert(rows: Iterable[dict[str, Any]], fields: Sequence[str]) -> int:
    meta = CustomerScore._meta
    table = meta.db_table
    written_fields = [f for f in meta.concrete_fields if f.name in fields]
    json_fields = {f.name for f in written_fields if f.get_internal_type() == "JSONField"}
    order = ["customer_id", *(f.name for f in written_fields)]
    columns = ["customer_id", *(f.column for f in written_fields)]
    names = ", ".join(f'"{c}"' for c in columns)
    updates = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in columns[1:])
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper, for COPY
        raw.execute(f'CREATE TEMP TABLE score_load (LIKE "{table}") ON COMMIT DROP')
        with raw.copy(f"COPY score_load ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([copy_json(row[f]) if f in json_fields else row[f] for f in order])
                written += 1
        # Identifiers come from the model's own metadata, never from input.
        raw.execute(
            f'INSERT INTO "{table}" ({names}) SELECT {names} FROM score_load '  # noqa: S608
            f'ON CONFLICT ("customer_id") DO UPDATE SET {updates}'
        )
        raw.execute("DROP TABLE score_load")  # now: an outer transaction may write again before it commits
    return written


def write_persuadability(values: Iterable[tuple[int, float]]) -> int:
    """Replace every customer's persuadability (the uplift model's prediction) with ``values``
    (customer id, predicted uplift); customers not given are cleared. Only customers that have
    scores are written (the column lives beside them); the count written."""
    with transaction.atomic():
        CustomerScore.objects.exclude(persuadability=None).update(persuadability=None)
        if connection.vendor == "postgresql":
            return _copy_persuadability(values)
        table = CustomerScore._meta.db_table
        with connection.cursor() as cursor:
            # One prepared statement run per row: SQLite does each in microseconds, where
            # bulk_update's CASE expressions grow with the batch.
            cursor.executemany(
                f'UPDATE "{table}" SET "persuadability" = %s WHERE "customer_id" = %s',  # noqa: S608
                [(value, customer_id) for customer_id, value in values],
            )
            return int(cursor.rowcount)


def _copy_persuadability(values: Iterable[tuple[int, float]]) -> int:
    table = CustomerScore._meta.db_table
    with connection.cursor() as cursor:
        raw = cursor.cursor
        raw.execute(
            "CREATE TEMP TABLE persuadability_load (customer_id bigint, value double precision) "
            "ON COMMIT DROP"
        )
        with raw.copy("COPY persuadability_load (customer_id, value) FROM STDIN") as copy:
            for customer_id, value in values:
                copy.write_row((customer_id, value))
        # The table name comes from the model's own metadata, never from input.
        raw.execute(
            f'UPDATE "{table}" AS s SET "persuadability" = l.value '  # noqa: S608
            "FROM persuadability_load AS l WHERE s.customer_id = l.customer_id"
        )
        written = raw.rowcount
        raw.execute("DROP TABLE persuadability_load")
    return int(written)
