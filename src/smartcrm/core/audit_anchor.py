"""Anchors of the audit chain's head, kept outside the database.

Deleting the newest audit events leaves a shorter chain that still verifies. So the head (its
``seq`` and hash) is appended, on a schedule, to an anchor file in the data directory, and the
same line goes to the log (a log shipper keeps a copy elsewhere). ``smartcrm audit verify``
checks the latest anchor: the event it names must still be there with that hash.

Each line is JSON with an HMAC under the chain's key, so a line written or edited without the
key is refused. Who this stops: someone with only the database's credentials (an SQL injection,
a stolen database password, a database administrator) — they can cut the chain's tail, but not
reach the file or the logs. Who it does not stop: someone with the application server's account,
which can write the file and holds the key; against them, the log shipper's copy and the file
made append-only by the system (``chattr +a``) are what is left (docs/security.md).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from smartcrm.core.audit_chain import chain_key
from smartcrm.core.models import AuditEvent

logger = logging.getLogger("smartcrm.audit")


class AnchorError(ValueError):
    """The anchor file has a line that was not written with the key (edited or forged)."""


@dataclass(frozen=True)
class Anchor:
    at: str
    seq: int
    hash: str


def anchor_path() -> Path:
    return Path(settings.SMARTCRM_AUDIT_ANCHOR_FILE)


def _mac(at: str, seq: int, head: str) -> str:
    return hmac.new(chain_key(), f"anchor|{at}|{seq}|{head}".encode(), hashlib.sha256).hexdigest()


def write_anchor() -> Anchor | None:
    """Append the current head to the anchor file and the log; None while the log is empty."""
    head = AuditEvent.objects.order_by("-seq").values("seq", "chain_hash").first()
    if head is None:
        return None
    anchor = Anchor(timezone.now().isoformat(), head["seq"], head["chain_hash"])
    line = {"at": anchor.at, "seq": anchor.seq, "hash": anchor.hash, "mac": _mac(*_fields(anchor))}
    path = anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    logger.info("audit anchor: head seq %d hash %s", anchor.seq, anchor.hash)
    return anchor


def _fields(anchor: Anchor) -> tuple[str, int, str]:
    return anchor.at, anchor.seq, anchor.hash


def latest_anchor() -> Anchor | None:
    """The last anchor written, after checking every line's HMAC; None when there is none."""
    try:
        text = anchor_path().read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    latest = None
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
            anchor = Anchor(str(line["at"]), int(line["seq"]), str(line["hash"]))
            valid = hmac.compare_digest(str(line["mac"]), _mac(*_fields(anchor)))
        except (ValueError, KeyError, TypeError) as exc:
            raise AnchorError(f"line {number} of the anchor file is not an anchor") from exc
        if not valid:
            raise AnchorError(f"line {number} of the anchor file was not written with the key")
        latest = anchor  # after a restore from backup the next anchor may name a lower seq
    return latest
