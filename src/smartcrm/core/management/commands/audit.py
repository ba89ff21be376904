"""``smartcrm audit verify``: check the audit log's hash chain; exits 1 at the first broken event."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartcrm.core import audit
from smartcrm.core.models import AuditEvent


class Command(BaseCommand):
    help = "Check the audit log: every event unchanged, none removed, none slipped in."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        verify = commands.add_parser("verify", help="walk the hash chain and report the first broken event")
        verify.add_argument(
            "--expect-head",
            metavar="SEQ:HASH",
            help="a head printed by an earlier verify: fail if that event is gone or changed (a cut tail)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verdict = audit.verify_chain()
        if verdict.problem is not None:
            p = verdict.problem
            where = f"seq {p.seq}" + (f" (event id {p.event_id})" if p.event_id is not None else "")
            raise CommandError(
                f"audit log tampered: {where} {p.kind}: {p.detail}; {verdict.checked} event(s) checked"
            )
        if options.get("expect_head"):
            self._check_earlier_head(options["expect_head"])
        self.stdout.write(
            f"audit log intact: {verdict.checked} event(s); head seq {verdict.head_seq} "
            f"hash {verdict.head_hash or '-'} (note it down; --expect-head SEQ:HASH later detects a cut tail)"
        )

    @staticmethod
    def _check_earlier_head(expected: str) -> None:
        """Deleting the newest events leaves a shorter chain that still verifies; the head noted
        down earlier (outside the database) must still be in it, unchanged."""
        seq_text, _, hash_text = expected.partition(":")
        if not seq_text.isdigit() or not hash_text:
            raise CommandError("--expect-head takes SEQ:HASH, as an earlier verify printed it")
        event = AuditEvent.objects.filter(seq=int(seq_text)).values("chain_hash").first()
        if event is None:
            raise CommandError(f"audit log tampered: seq {seq_text}, an earlier head, is gone (a cut tail)")
        if event["chain_hash"] != hash_text:
            raise CommandError(f"audit log tampered: seq {seq_text} no longer has the hash noted earlier")
