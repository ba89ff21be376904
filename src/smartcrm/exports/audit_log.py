"""The audit log as CSV (the "Export CSV" button of the audit page): formula-safe, itself audited."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence

from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.selectors import AuditFilter, audit_events
from smartcrm.exports.cells import csv_cell
from smartcrm.exports.headers import header_row

COLUMNS = ("seq", "at", "actor", "action", "object_type", "object_id", "changes", "chain_hash")
BATCH = 2_000


def _line(values: Sequence[object]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([csv_cell(v) for v in values])
    return out.getvalue()


def csv_lines(*, actor: Actor, filters: AuditFilter) -> Iterator[str]:
    """The header, then one line per event matching ``filters``, newest first."""
    header = header_row(COLUMNS)  # in the request's language, before the response streams
    return _lines(actor, filters, header)


def _lines(actor: Actor, filters: AuditFilter, header: list[str]) -> Iterator[str]:
    audit.record(
        actor,
        AuditAction.EXPORT,
        object_type="core.auditevent",
        changes={"format": "csv", "filters": {k: str(v) for k, v in vars(filters).items() if v}},
    )
    yield _line(header)
    for e in audit_events(filters).iterator(chunk_size=BATCH):
        changes = json.dumps(e.changes, ensure_ascii=False, sort_keys=True)
        yield _line([e.seq, e.at, e.actor_label, e.action, e.object_type, e.object_id, changes, e.chain_hash])
