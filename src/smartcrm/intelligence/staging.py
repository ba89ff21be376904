"""A refresh run's staged scores: written per chunk, switched into CustomerScore all at once.

A chunk's rows go into StagedScore under its run (the new generation) with COPY on PostgreSQL
and ``bulk_create`` elsewhere, after deleting whatever an earlier attempt of the same chunk
left there, in the caller's transaction: a chunk that runs twice writes its rows once. The
switch copies the whole generation into CustomerScore with one ``INSERT … SELECT … ON CONFLICT``
in one transaction, so a reader sees every customer's previous scores until it commits and
every customer's new ones after.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pandas as pd
from django.db import connection

from smartcrm.intelligence.models import CustomerScore, StagedScore
from smartcrm.intelligence.score_writer import copy_json, orm_json
from smartcrm.intelligence.training import SCORE_FIELDS

BATCH = 5_000


def _columns() -> tuple[list[str], set[str]]:
    """The staged columns (``customer_id`` first) and the JSON ones among them."""
    fields = [f for f in StagedScore._meta.concrete_fields if f.name in SCORE_FIELDS]
    return ["customer_id", *(f.column for f in fields)], {
        f.column for f in fields if f.get_internal_type() == "JSONField"
    }


def stage_rows(run_id: int, first_id: int, last_id: int, rows: Iterable[dict[str, Any]]) -> int:
    """Replace the run's staged rows of customers ``first_id``…``last_id`` with ``rows``; the count."""
    StagedScore.objects.filter(run_id=run_id, customer_id__gte=first_id, customer_id__lte=last_id).delete()
    if connection.vendor != "postgresql":
        return _bulk_create(run_id, rows)
    columns, json_columns = _columns()
    names = ", ".join(f'"{c}"' for c in ["run_id", *columns])
    written = 0
    # The table and column names come from the model's own metadata, never from input.
    sql = f'COPY "{StagedScore._meta.db_table}" ({names}) FROM STDIN'
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([run_id, *(copy_json(row[c]) if c in json_columns else row[c] for c in columns)])
            written += 1
    return written


def _bulk_create(run_id: int, rows: Iterable[dict[str, Any]]) -> int:
    written = 0
    batch: list[StagedScore] = []
    _, json_columns = _columns()
    for row in _with_run(run_id, rows):
        batch.append(StagedScore(**(row | {c: orm_json(row[c]) for c in json_columns})))
        if len(batch) == BATCH:
            written += len(StagedScore.objects.bulk_create(batch))
            batch = []
    return written + len(StagedScore.objects.bulk_create(batch))


def _with_run(run_id: int, rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for row in rows:
        yield {"run_id": run_id, **row}


def staged_segments(run_id: int) -> pd.Series:
    """The generation's segment per customer (for the movement table)."""
    pairs = StagedScore.objects.filter(run_id=run_id).values_list("customer_id", "segment")
    frame = pd.DataFrame.from_records(pairs, columns=["customer_id", "segment"])
    return frame.set_index("customer_id")["segment"]


def switch_in(run_id: int) -> int:
    """Copy the run's generation into CustomerScore (call inside the switch's transaction) and
    drop it from staging; how many customers it scored. Customers erased since their chunk ran
    are left out."""
    columns, _ = _columns()
    names = ", ".join(f'"{c}"' for c in columns)
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns[1:])
    staged, scores = StagedScore._meta.db_table, CustomerScore._meta.db_table
    with connection.cursor() as cursor:
        # Identifiers come from the models' own metadata, never from input.
        cursor.execute(
            f'INSERT INTO "{scores}" ({names}) SELECT {names} FROM "{staged}" AS s '  # noqa: S608
            "WHERE s.run_id = %s AND EXISTS (SELECT 1 FROM customers_customer c WHERE c.id = s.customer_id) "
            f'ON CONFLICT ("customer_id") DO UPDATE SET {updates}',
            [run_id],
        )
        switched = int(cursor.rowcount)
    StagedScore.objects.filter(run_id=run_id).delete()
    return switched
