"""Backup → restore round-trips: a small shop backed up, restored into a new, empty database
(PostgreSQL: another database on the server; SQLite: a new file), the same rows in every table,
the encrypted contact details still readable with the same keys, the media back in place — and
neither key in the archive."""

from __future__ import annotations

import base64
import sqlite3
import stat
import tarfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from smartcrm.core.backup import BackupError, restore_backup, table_counts
from smartcrm.core.pii import keyring
from smartcrm.customers.models import Customer, Note
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _shop() -> list[Customer]:
    customers = [
        factories.CustomerFactory(phone=f"+1555555{n:04d}", street_address=f"{n} Engine Way")
        for n in range(6)
    ]
    for customer in customers[:3]:
        order = factories.OrderFactory(customer=customer, total=Decimal("42.00"))
        factories.OrderLineFactory(order=order, quantity=1, line_total=Decimal("42.00"))
        Note.objects.create(customer=customer, body="Prefers email.")
    return customers


@pytest.fixture
def target(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """An empty database of the same kind as the test database."""
    database = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        database["NAME"] = str(tmp_path / "restored.sqlite3")
        yield database
        return
    import psycopg

    database["NAME"] = f"{connection.settings_dict['NAME']}_restore"
    params = {"host": database["HOST"], "port": database["PORT"] or None, "user": database["USER"]}
    params = {k: v for k, v in params.items() if v} | {"dbname": "postgres", "autocommit": True}
    with psycopg.connect(**params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database["NAME"]}"')
        admin.execute(f'CREATE DATABASE "{database["NAME"]}"')
    yield database
    with psycopg.connect(**params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database["NAME"]}" WITH (FORCE)')


def _rows(database: dict[str, Any], sql: str) -> list[tuple[Any, ...]]:
    if connection.vendor == "sqlite":
        with sqlite3.connect(database["NAME"]) as db:
            return db.execute(sql).fetchall()
    import psycopg

    params = {"host": database["HOST"], "port": database["PORT"] or None, "user": database["USER"]}
    with psycopg.connect(dbname=database["NAME"], **{k: v for k, v in params.items() if v}) as db:
        return db.execute(sql).fetchall()


def test_a_backup_restores_into_an_empty_database_with_the_same_rows(
    tmp_path: Path, target: dict[str, Any], settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    upload = Path(settings.MEDIA_ROOT) / "imports" / "ab12" / "customers.csv"
    upload.parent.mkdir(parents=True)
    upload.write_text("email\nsomeone@example.com\n")
    customers = _shop()
    archive = tmp_path / "shop.tar.gz"

    call_command("backup", str(archive))

    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    unpacked = b""
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            if member.isfile():
                handle = tar.extractfile(member)
                assert handle is not None
                unpacked += handle.read()
    for secret in [
        settings.SMARTCRM_LOOKUP_KEY,
        *(p.partition(":")[2] for p in settings.SMARTCRM_FIELD_KEYS.split(",")),
    ]:
        assert secret.encode() not in unpacked and base64.b64decode(secret) not in unpacked

    media = tmp_path / "restored-media"
    manifest = restore_backup(
        archive, database=target, media_root=media, key_spec=settings.SMARTCRM_FIELD_KEYS,
        lookup_key=settings.SMARTCRM_LOOKUP_KEY,
    )  # fmt: skip

    assert manifest.key_ids == [keyring().active_id]
    counts = table_counts()
    assert counts["customers_customer"] == 6 and counts["orders_order"] == 3
    restored = {table: _rows(target, f'SELECT COUNT(*) FROM "{table}"')[0][0] for table in counts}  # noqa: S608
    assert restored == counts
    sealed = _rows(target, "SELECT id, email, phone, street_address FROM customers_customer ORDER BY id")
    ring = keyring()
    assert [
        (ring.decrypt(email, "customers.customer.email"), ring.decrypt(phone, "customers.customer.phone"))
        for _, email, phone, _ in sealed
    ] == [(c.email, c.phone) for c in sorted(customers, key=lambda c: c.pk)]
    assert (media / "imports" / "ab12" / "customers.csv").read_text() == upload.read_text()


def test_a_restore_refuses_a_database_with_data_or_other_keys(tmp_path: Path, target: dict[str, Any]) -> None:
    _shop()
    archive = tmp_path / "shop.tar.gz"
    call_command("backup", str(archive))
    keys = settings.SMARTCRM_FIELD_KEYS
    other_key = "k9:" + base64.b64encode(b"\x01" * 32).decode()
    with pytest.raises(BackupError, match="sealed with key"):
        restore_backup(archive, database=target, media_root=tmp_path / "m", key_spec=other_key,
                       lookup_key=settings.SMARTCRM_LOOKUP_KEY)  # fmt: skip
    with pytest.raises(BackupError, match="LOOKUP_KEY"):
        restore_backup(archive, database=target, media_root=tmp_path / "m", key_spec=keys,
                       lookup_key=base64.b64encode(b"\x02" * 32).decode())  # fmt: skip
    live = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        pytest.skip("the in-memory test database has no file to restore over")
    with pytest.raises(BackupError, match="not empty"):
        restore_backup(archive, database=live, media_root=tmp_path / "m", key_spec=keys,
                       lookup_key=settings.SMARTCRM_LOOKUP_KEY)  # fmt: skip
