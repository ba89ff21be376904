"""Backups: the database, the media directory and the identifiers of the keys, never the keys.

A backup is one ``.tar.gz`` (mode 0600) holding ``manifest.json``, the database (``pg_dump``'s
custom format for PostgreSQL, SQLite's online backup for the embedded database) and ``media/``.
The manifest names the encryption keys the stored values were sealed with and carries a check
value of the lookup key (an HMAC of a fixed text: it proves the same key, it does not reveal
it), so a restore refuses to run where the configured keys could not read the data.

A restore goes into an empty database (PostgreSQL: create one, point ``DATABASE_URL`` at it;
SQLite: a data directory without a database) and an empty media directory, so it never mixes
with or overwrites live data.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import shutil
import sqlite3
import subprocess  # nosec B404
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection

import smartcrm
from smartcrm.core.crypto import SEPARATOR
from smartcrm.core.rotation import encrypted_columns

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_DUMP = "database.sqlite3"
MEDIA = "media"
LOOKUP_CHECK_TEXT = b"smartcrm backup: lookup key check"


class BackupError(RuntimeError):
    """The backup or restore cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class Manifest:
    format: int
    smartcrm_version: str
    created_at: str
    vendor: str
    tables: dict[str, int]  # rows per table at backup time
    key_ids: list[str]  # the encryption keys the stored values are sealed with
    lookup_key_check: str

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=2, sort_keys=True)


def lookup_key_check(lookup_key: str) -> str:
    return hmac.digest(base64.b64decode(lookup_key), LOOKUP_CHECK_TEXT, hashlib.sha256).hex()


def table_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            quoted = connection.ops.quote_name(table)
            # An introspected, quoted table name.
            cursor.execute(f"SELECT COUNT(*) FROM {quoted}")  # nosec B608 # noqa: S608
            counts[table] = int(cursor.fetchone()[0])
    return counts


def key_ids_in_use() -> list[str]:
    """The key id prefix of every stored encrypted value, distinct, found by the database."""
    ids: set[str] = set()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, fields in encrypted_columns():
            for field in fields:
                column = quote(field.column)
                if connection.vendor == "postgresql":
                    prefix = f"split_part({column}, '{SEPARATOR}', 1)"
                else:
                    prefix = f"substr({column}, 1, instr({column}, '{SEPARATOR}') - 1)"
                table = quote(model._meta.db_table)
                # Introspected, quoted identifiers; no value is interpolated.
                cursor.execute(f"SELECT DISTINCT {prefix} FROM {table} WHERE {column} <> ''")  # noqa: S608
                ids.update(str(row[0]) for row in cursor.fetchall() if row[0])
    return sorted(ids)


def create_backup(target: Path, *, media_root: Path, lookup_key: str) -> Manifest:
    """Write the backup of the default database and ``media_root`` to ``target`` (atomically)."""
    manifest = Manifest(
        format=FORMAT,
        smartcrm_version=smartcrm.__version__,
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        vendor=connection.vendor,
        tables=table_counts(),
        key_ids=key_ids_in_use(),
        lookup_key_check=lookup_key_check(lookup_key),
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        work = Path(tmp)
        (work / MANIFEST).write_text(manifest.to_json())
        database = _dump(work)
        partial = work / "backup.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(work / MANIFEST, arcname=MANIFEST)
            tar.add(database, arcname=database.name)
            if media_root.is_dir():
                tar.add(media_root, arcname=MEDIA)
        partial.chmod(0o600)
        os.replace(partial, target)
    return manifest


def _dump(work: Path) -> Path:
    if connection.vendor == "sqlite":
        out = work / SQLITE_DUMP
        connection.ensure_connection()
        with sqlite3.connect(out) as copy:
            connection.connection.backup(copy)
        copy.close()
        return out
    if connection.vendor == "postgresql":
        out = work / PG_DUMP
        _check_pg_tool("pg_dump", connection.pg_version)  # type: ignore[attr-defined]
        dump = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={out}"]
        _run(dump, connection.settings_dict)
        return out
    raise BackupError(f"no backup for a {connection.vendor} database")


def restore_backup(
    archive: Path, *, database: dict[str, Any], media_root: Path, key_spec: str, lookup_key: str
) -> Manifest:
    """Restore ``archive`` into the empty ``database`` (a Django DATABASES entry) and ``media_root``."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                # The "data" filter refuses links, devices and paths outside ``work``.
                tar.extractall(work, filter="data")
        except (OSError, tarfile.TarError) as exc:
            raise BackupError(f"{archive} is not a readable smartcrm backup: {exc}") from exc
        manifest = _manifest(work / MANIFEST)
        _check_keys(manifest, key_spec, lookup_key)
        if media_root.is_dir() and any(media_root.iterdir()):
            raise BackupError(
                f"the media directory {media_root} is not empty; restore into a new data directory"
            )
        vendor = _vendor(database)
        if vendor != manifest.vendor:
            raise BackupError(f"the backup is of a {manifest.vendor} database, the target is {vendor}")
        if vendor == "sqlite":
            _restore_sqlite(work / SQLITE_DUMP, Path(database["NAME"]))
        else:
            _restore_postgres(work / PG_DUMP, database)
        if (work / MEDIA).is_dir():
            shutil.copytree(work / MEDIA, media_root, dirs_exist_ok=True)
    return manifest


def _manifest(path: Path) -> Manifest:
    try:
        data = json.loads(path.read_text())
        manifest = Manifest(**data)
    except (OSError, ValueError, TypeError) as exc:
        raise BackupError(f"the backup has no readable {MANIFEST}: {exc}") from exc
    if manifest.format != FORMAT:
        raise BackupError(f"backup format {manifest.format} is not {FORMAT}")
    return manifest


def _check_keys(manifest: Manifest, key_spec: str, lookup_key: str) -> None:
    configured = set(_key_ids(key_spec))
    missing = [key_id for key_id in manifest.key_ids if key_id not in configured]
    if missing:
        raise BackupError(
            f"the backup's values are sealed with key(s) {', '.join(missing)}, which SMARTCRM_FIELD_KEYS "
            "does not list; configure the keys of the backed-up installation first"
        )
    if not hmac.compare_digest(manifest.lookup_key_check, lookup_key_check(lookup_key)):
        raise BackupError(
            "SMARTCRM_LOOKUP_KEY differs from the backed-up installation's; exact-match search would fail"
        )


def _key_ids(key_spec: str) -> list[str]:
    return [part.strip().partition(":")[0] for part in key_spec.split(",") if part.strip()]


def _vendor(database: dict[str, Any]) -> str:
    engine = str(database["ENGINE"])
    return "sqlite" if engine.endswith("sqlite3") else "postgresql" if "postgresql" in engine else engine


def _restore_sqlite(dump: Path, target: Path) -> None:
    if target.exists() and target.stat().st_size > 0:
        with sqlite3.connect(target) as existing:
            tables = existing.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        existing.close()
        if tables:
            raise BackupError(f"{target} already holds a database; restore into an empty one")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(dump) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    source.close()
    copy.close()


def _restore_postgres(dump: Path, database: dict[str, Any]) -> None:
    import psycopg

    with psycopg.connect(**_pg_params(database)) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
        server = conn.info.server_version
    if tables and tables[0]:
        raise BackupError(f"database {database['NAME']!r} is not empty; create a new one and restore into it")
    _check_pg_tool("pg_restore", server)
    restore = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    _run([*restore, f"--dbname={database['NAME']}", str(dump)], database)


def _pg_params(database: dict[str, Any]) -> dict[str, Any]:
    params = {"dbname": database["NAME"], "user": database.get("USER"), "password": database.get("PASSWORD")}
    params |= {"host": database.get("HOST"), "port": database.get("PORT")}
    return {k: v for k, v in params.items() if v}


def _check_pg_tool(tool: str, server_version: int) -> None:
    """pg_dump/pg_restore must be installed and at least the server's major version."""
    path = shutil.which(tool)
    if path is None:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client)")
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=True).stdout  # nosec B603 # noqa: S603
    found = re.search(r"(\d+)(?:\.\d+)?", out)
    major = int(found.group(1)) if found else 0
    if major < server_version // 10000:
        raise BackupError(
            f"{tool} {major} is older than the server ({server_version // 10000}); install a newer client"
        )


def _run(command: list[str], database: dict[str, Any]) -> None:
    """Run a PostgreSQL client (an argument list, no shell) with the connection in its environment,
    so the password never appears in the process list."""
    env = os.environ | {
        "PGDATABASE": str(database["NAME"]),
        "PGHOST": str(database.get("HOST") or ""),
        "PGPORT": str(database.get("PORT") or ""),
        "PGUSER": str(database.get("USER") or ""),
        "PGPASSWORD": str(database.get("PASSWORD") or ""),
    }
    env = {k: v for k, v in env.items() if v}
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # nosec B603 # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")
