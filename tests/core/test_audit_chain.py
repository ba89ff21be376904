"""The audit log is append-only and hash-chained; `smartcrm audit verify` finds the first tampered event."""

from __future__ import annotations

import hashlib
import io
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from smartcrm.core import audit, audit_anchor, tasks
from smartcrm.core.models import AuditAction, AuditEvent, AuditLogIsAppendOnly


def _events(n: int) -> list[AuditEvent]:
    return [
        audit.record(f"test:{i}", AuditAction.UPDATE, object_type="t", object_id=str(i), changes={"n": i})
        for i in range(n)
    ]


@contextmanager
def _trigger_off() -> Iterator[None]:
    """What someone with the database's owner rights could do: switch the guard off."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        yield
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")
    else:
        yield


def _raw(sql: str, params: list[Any]) -> None:
    with _trigger_off(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _verify_fails() -> str:
    with pytest.raises(CommandError) as failed:
        call_command("audit", "verify")
    return str(failed.value)


def test_events_are_chained_in_order_and_verify(db: Any, capsys: Any) -> None:
    events = _events(3)
    seqs = [e.seq for e in events]
    assert seqs == sorted(seqs) and seqs[1] == seqs[0] + 1
    assert events[1].prev_hash == events[0].chain_hash and len(events[0].chain_hash) == 64
    call_command("audit", "verify")
    assert "audit log intact" in capsys.readouterr().out


def test_the_orm_refuses_to_change_or_delete_an_event(db: Any) -> None:
    event = _events(1)[0]
    event.changes = {"n": 99}
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(changes={})
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()


def test_postgres_refuses_update_and_delete_in_sql(db: Any, is_postgres: bool) -> None:
    if not is_postgres:
        pytest.skip("the trigger is PostgreSQL's")
    event = _events(1)[0]
    for sql in (
        "UPDATE core_auditevent SET changes = '{}' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as c,
        ):
            c.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).changes == {"n": 0}


def test_an_edited_event_is_found(db: Any) -> None:
    events = _events(4)
    _raw("UPDATE core_auditevent SET actor_label = %s WHERE id = %s", ["someone-else", events[2].pk])
    message = _verify_fails()
    assert f"seq {events[2].seq} (event id {events[2].pk}) edited" in message


def test_an_edited_payload_is_found_even_with_its_hash_recomputed_without_the_key(db: Any) -> None:
    events = _events(3)
    forged = hashlib.sha256(b"anything").hexdigest()
    _raw(
        "UPDATE core_auditevent SET changes = %s, chain_hash = %s WHERE id = %s",
        ['{"n": 7}', forged, events[1].pk],
    )
    assert f"seq {events[1].seq} (event id {events[1].pk}) edited" in _verify_fails()


def test_a_cut_tail_is_found_against_a_head_noted_earlier(db: Any) -> None:
    events = _events(4)
    head = f"{events[-1].seq}:{events[-1].chain_hash}"
    call_command("audit", "verify", "--expect-head", head)
    _raw("DELETE FROM core_auditevent WHERE id IN (%s, %s)", [events[2].pk, events[3].pk])
    call_command("audit", "verify")  # the shorter chain is consistent in itself
    with pytest.raises(CommandError, match="an earlier head, is gone"):
        call_command("audit", "verify", "--expect-head", head)


def test_a_cut_tail_is_found_against_the_latest_anchor_without_being_told(db: Any, settings: Any) -> None:
    """The hourly anchor (beat, or `smartcrm audit anchor`) names the head outside the database:
    deleting the newest events is found by a plain `audit verify`."""
    call_command("audit", "verify")  # no anchor yet: fine
    events = _events(4)
    call_command("audit", "anchor")
    lines = settings.SMARTCRM_AUDIT_ANCHOR_FILE.read_text().splitlines()
    assert len(lines) == 1 and f'"seq": {events[-1].seq}' in lines[0]
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert f"latest anchor found in the chain: seq {events[-1].seq}" in out.getvalue()
    _raw("DELETE FROM core_auditevent WHERE id IN (%s, %s)", [events[2].pk, events[3].pk])
    with pytest.raises(CommandError, match=f"seq {events[-1].seq}, the anchor of .* is gone"):
        call_command("audit", "verify")


def test_an_anchor_line_edited_or_forged_without_the_key_is_refused(db: Any, settings: Any) -> None:
    _events(3)
    assert audit_anchor.write_anchor() is not None
    path = settings.SMARTCRM_AUDIT_ANCHOR_FILE
    line = json.loads(path.read_text())
    line["seq"] = 1  # pointing the anchor back before a cut
    path.write_text(path.read_text() + json.dumps(line) + "\n")
    with pytest.raises(CommandError, match="line 2 of the anchor file was not written with the key"):
        call_command("audit", "verify")


def test_the_anchor_task_is_scheduled_and_writes_the_head(db: Any, settings: Any) -> None:
    events = _events(2)
    entry = settings.CELERY_BEAT_SCHEDULE["audit-anchor"]
    assert entry["task"] == tasks.anchor_audit_head.name
    assert tasks.anchor_audit_head.apply().get() == events[-1].seq
    assert audit_anchor.latest_anchor() == audit_anchor.Anchor(
        audit_anchor.latest_anchor().at,
        events[-1].seq,
        events[-1].chain_hash,  # type: ignore[union-attr]
    )


def test_a_deleted_event_is_found(db: Any) -> None:
    events = _events(4)
    _raw("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    assert f"seq {events[1].seq} deleted" in _verify_fails()


def test_an_inserted_event_is_found(db: Any) -> None:
    events = _events(3)
    last = events[-1]
    _raw(
        "INSERT INTO core_auditevent (seq, at, actor_label, action, object_type, object_id, changes,"
        " prev_hash, chain_hash) VALUES (%s, %s, 'mallory', 'delete', 't', '1', '{}', %s, %s)",
        [last.seq + 1, last.at, last.chain_hash, "0" * 64],
    )
    assert f"seq {last.seq + 1}" in _verify_fails()


def test_a_renumbered_chain_is_found(db: Any) -> None:
    """Deleting an event and moving the later ones down a place leaves their links broken."""
    events = _events(3)
    _raw("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    _raw("UPDATE core_auditevent SET seq = %s WHERE id = %s", [events[1].seq, events[2].pk])
    assert f"seq {events[1].seq} (event id {events[2].pk}) deleted" in _verify_fails()


def test_bulk_created_events_are_chained(db: Any) -> None:
    _events(1)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(actor_label="bulk", action=AuditAction.FIX_DATA, object_type="t", changes={"i": i})
            for i in range(5)
        ]
    )
    assert audit.verify_chain().problem is None
    assert AuditEvent.objects.filter(actor_label="bulk").count() == 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain(is_postgres: bool) -> None:
    """Two threads, each with its own connection and transactions, append at once."""
    if not is_postgres:
        pytest.skip("SQLite has a single writer")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(name: str) -> None:
        try:
            barrier.wait()
            for i in range(15):
                with transaction.atomic():
                    audit.record(name, AuditAction.UPDATE, object_type="t", object_id=str(i))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(f"writer-{n}",)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    verdict = audit.verify_chain()
    assert verdict.problem is None and verdict.checked == 30


@pytest.mark.django_db(transaction=True)
def test_the_migration_scrubs_and_chains_the_events_written_before_it() -> None:
    """Events stored by older versions (no chain, a customer's name in ``changes``) are sealed."""
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("core", "0002_audit_actions")], [("core", "0003_audit_chain")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    with connection.cursor() as cursor:
        for n, changes in enumerate(['{"first_name": "Ottilie", "kind": "person"}', '{"rows": 3}']):
            cursor.execute(
                "INSERT INTO core_auditevent (at, actor_label, action, object_type, object_id, changes)"
                " VALUES (%s, 'old', 'create', 'customers.customer', %s, %s)",
                ["2025-01-02T03:04:05.123456+00:00", str(n), changes],
            )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    old = list(AuditEvent.objects.filter(actor_label="old").order_by("seq"))
    assert [e.changes for e in old] == [{"first_name": "changed", "kind": "person"}, {"rows": 3}]
    assert [e.seq for e in old] == [1, 2] and old[1].prev_hash == old[0].chain_hash
    _events(1)  # new events chain on
    verdict = audit.verify_chain()
    assert verdict.problem is None and verdict.checked == 3
