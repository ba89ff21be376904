"""The audit log's hash chain: each event carries a keyed hash of its content and of the previous hash.

Every event gets the next position (``seq``) in one chain and ``chain_hash = HMAC(key, content +
prev_hash)``. Editing a row breaks its hash, deleting one leaves a gap in ``seq`` and a broken link,
and a row inserted by hand cannot carry a valid hash without the key. The key is derived from
``SMARTCRM_LOOKUP_KEY`` (which never rotates: every lookup hash depends on it), so someone with
write access to the database alone cannot rebuild the chain after tampering with it.

Writers append under a lock held until their transaction commits: a PostgreSQL advisory
transaction lock (SQLite has a single writer, and smartcrm opens its transactions IMMEDIATE), so
two transactions can never chain onto the same head. Deleting the newest rows (truncating the
tail) leaves a valid shorter chain: ``smartcrm audit verify`` prints the head, to be noted
somewhere else (a ticket, the backup log) and compared later.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import connection

# An arbitrary 63-bit number naming the lock (pg_advisory_xact_lock takes a bigint).
LOCK_KEY = 0x5C_A0D17_C4A1
GENESIS = ""
CHAINED_FIELDS = ("seq", "at", "actor_id", "actor_label", "action", "object_type", "object_id", "changes")


def chain_key() -> bytes:
    """The HMAC key of the chain, derived so it is never the lookup key itself."""
    lookup = base64.b64decode(settings.SMARTCRM_LOOKUP_KEY)
    return hmac.digest(lookup, b"smartcrm audit chain v1", hashlib.sha256)


def canonical_changes(changes: Any) -> Any:
    """``changes`` as the JSON column gives it back, so what is hashed is what is stored."""
    return json.loads(json.dumps(changes or {}, default=str, sort_keys=True))


def _timestamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(values: dict[str, Any], prev_hash: str, key: bytes) -> str:
    """The chain hash of one event from its chained fields and the previous event's hash."""
    content = [
        values["seq"],
        _timestamp(values["at"]),
        values["actor_id"],
        values["actor_label"],
        values["action"],
        values["object_type"],
        values["object_id"],
        values["changes"],
        prev_hash,
    ]
    payload = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def lock_head() -> None:
    """Hold the chain's append lock until the current transaction ends (PostgreSQL only)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


@dataclass(frozen=True)
class Problem:
    """The first place where the stored chain is not what was written."""

    seq: int
    event_id: int | None
    kind: str  # "edited", "deleted" or "inserted"
    detail: str


@dataclass(frozen=True)
class Verdict:
    checked: int
    head_seq: int
    head_hash: str
    problem: Problem | None


def verify(rows: Iterable[dict[str, Any]], key: bytes) -> Verdict:
    """Walk the events in ``seq`` order and report the first edited, deleted or inserted one."""
    expected_seq, prev_hash, checked = 1, GENESIS, 0
    for row in rows:
        checked += 1
        seq = row["seq"]
        if seq < expected_seq:
            return Verdict(
                checked, seq, prev_hash, Problem(seq, row["id"], "inserted", "a second event at seq")
            )
        if seq > expected_seq:
            missing = f"{expected_seq}" if seq == expected_seq + 1 else f"{expected_seq}–{seq - 1}"
            detail = f"events at seq {missing} are missing"
            return Verdict(checked, seq, prev_hash, Problem(expected_seq, None, "deleted", detail))
        if row["prev_hash"] != prev_hash:
            detail = "its link to the previous event is broken (an event before it was removed or replaced)"
            return Verdict(checked, seq, prev_hash, Problem(seq, row["id"], "deleted", detail))
        if event_hash(row, prev_hash, key) != row["chain_hash"]:
            detail = "its content no longer matches its hash (changed, or written without the key)"
            kind = "edited" if row["chain_hash"] else "inserted"
            return Verdict(checked, seq, prev_hash, Problem(seq, row["id"], kind, detail))
        prev_hash, expected_seq = row["chain_hash"], seq + 1
    return Verdict(checked, expected_seq - 1, prev_hash, None)


def rows_in_order(queryset: Any, batch: int = 2_000) -> Iterator[dict[str, Any]]:
    """The chained fields of every event, by ``seq``, streamed in batches."""
    fields = ("id", *CHAINED_FIELDS, "prev_hash", "chain_hash")
    yield from queryset.order_by("seq").values(*fields).iterator(chunk_size=batch)
