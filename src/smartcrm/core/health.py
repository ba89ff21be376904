"""Liveness and readiness checks (``/healthz``, ``/readyz``; docs/deploy.md "Health checks").

A failed check says which dependency failed and the kind of error, never its message: a
database error can quote a host name, a user or a row.
"""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

OK = "ok"


def _database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK


def _migrations() -> str:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return OK if not pending else f"{len(pending)} migrations not applied (run smartcrm migrate)"


def _redis() -> str:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        return OK if client.ping() else "no answer to PING"
    finally:
        client.close()


def readiness() -> dict[str, str]:
    """Each dependency's state: ``ok``, or why not; ``redis`` is ``not configured`` without it."""
    checks: dict[str, str] = {}
    try:
        checks["database"] = _database()
    except Exception as exc:  # any failure means not ready; the type names the cause
        checks["database"] = f"unreachable ({type(exc).__name__})"
    if checks["database"] == OK:
        try:
            checks["migrations"] = _migrations()
        except Exception as exc:
            checks["migrations"] = f"unknown ({type(exc).__name__})"
    else:
        checks["migrations"] = "unknown (no database)"
    if settings.REDIS_URL:
        try:
            checks["redis"] = _redis()
        except Exception as exc:
            checks["redis"] = f"unreachable ({type(exc).__name__})"
    else:
        checks["redis"] = "not configured"
    return checks


def is_ready(checks: dict[str, str]) -> bool:
    return all(state in (OK, "not configured") for state in checks.values())
