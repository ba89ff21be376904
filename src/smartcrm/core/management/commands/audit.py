"""``smartcrm audit verify``: check the audit log's hash chain; exits 1 at the first broken event."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartcrm.core import audit


class Command(BaseCommand):
    help = "Check the audit log: every event unchanged, none removed, none slipped in."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        commands.add_parser("verify", help="walk the hash chain and report the first broken event")

    def handle(self, *args: Any, **options: Any) -> None:
        verdict = audit.verify_chain()
        if verdict.problem is not None:
            p = verdict.problem
            where = f"seq {p.seq}" + (f" (event id {p.event_id})" if p.event_id is not None else "")
            raise CommandError(
                f"audit log tampered: {where} {p.kind}: {p.detail}; {verdict.checked} event(s) checked"
            )
        self.stdout.write(
            f"audit log intact: {verdict.checked} event(s); head seq {verdict.head_seq} "
            f"hash {verdict.head_hash or '-'} (note it down to detect a cut tail later)"
        )
