"""Re-encrypting PII under the active key after a key rotation."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.apps import apps
from django.db import connection, models, transaction

from smartcrm.core.fields import EncryptedTextField
from smartcrm.core.pii import keyring

BATCH_SIZE = 1000


def encrypted_columns() -> Iterator[tuple[type[models.Model], list[EncryptedTextField]]]:
    for model in apps.get_models():
        fields = [f for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)]
        if fields:
            yield model, fields


def rotate_model(
    model: type[models.Model], fields: list[EncryptedTextField], on_batch: Callable[[int], None] | None = None
) -> int:
    """Re-encrypt every value of ``fields`` not sealed with the active key; returns rows changed.

    Works on raw column values, so rows already under the active key are neither decrypted nor
    written, and the command can be stopped and re-run at any point.
    """
    ring = keyring()
    prefix = ring.active_id + "$"
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    columns = [connection.ops.quote_name(f.column) for f in fields]
    stale = " OR ".join(f"({c} <> '' AND {c} NOT LIKE %s)" for c in columns)
    changed, last_pk = 0, 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {pk}, {', '.join(columns)} FROM {table} "  # noqa: S608 - quoted identifiers
                f"WHERE {pk} > %s AND ({stale}) ORDER BY {pk} LIMIT %s",
                [last_pk, *([prefix + "%"] * len(columns)), BATCH_SIZE],
            )
            rows = cursor.fetchall()
            if not rows:
                return changed
            for row in rows:
                values = []
                for field, raw in zip(fields, row[1:], strict=True):
                    context = f"{model._meta.label_lower}.{field.name}"
                    if raw and not raw.startswith(prefix):
                        raw = ring.encrypt(ring.decrypt(raw, context), context)
                    values.append(raw)
                sets = ", ".join(f"{c} = %s" for c in columns)
                cursor.execute(
                    f"UPDATE {table} SET {sets} WHERE {pk} = %s",  # noqa: S608
                    [*values, row[0]],
                )
            changed += len(rows)
            last_pk = rows[-1][0]
        if on_batch:
            on_batch(len(rows))
