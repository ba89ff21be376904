"""``smartcrm audit verify``: check the audit log's hash chain; exits 1 at the first broken event."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartcrm.core import audit, audit_anchor
from smartcrm.core.models import AuditEvent


class Command(BaseCommand):
    help = "Check the audit log: every event unchanged, none removed, none slipped in; anchor its head."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        verify = commands.add_parser("verify", help="walk the hash chain and report the first broken event")
        verify.add_argument(
            "--expect-head",
            metavar="SEQ:HASH",
            help="a head printed by an earlier verify: fail if that event is gone or changed (a cut tail)",
        )
        commands.add_parser("anchor", help="append the chain's head to the anchor file (beat does it hourly)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["command"] == "anchor":
            anchor = audit_anchor.write_anchor()
            path = audit_anchor.anchor_path()
            self.stdout.write(f"anchored head seq {anchor.seq} in {path}" if anchor else "no events yet")
            return
        verdict = audit.verify_chain()
        if verdict.problem is not None:
            p = verdict.problem
            where = f"seq {p.seq}" + (f" (event id {p.event_id})" if p.event_id is not None else "")
            raise CommandError(
                f"audit log tampered: {where} {p.kind}: {p.detail}; {verdict.checked} event(s) checked"
            )
        if options.get("expect_head"):
            self._check_earlier_head(options["expect_head"])
        anchored = self._check_anchor()
        self.stdout.write(anchored)
        self.stdout.write(
            f"audit log intact: {verdict.checked} event(s); head seq {verdict.head_seq} "
            f"hash {verdict.head_hash or '-'} (note it down; --expect-head SEQ:HASH later detects a cut tail)"
        )

    @classmethod
    def _check_anchor(cls) -> str:
        """The latest anchor (written outside the database) must still be in the chain."""
        try:
            anchor = audit_anchor.latest_anchor()
        except audit_anchor.AnchorError as exc:
            raise CommandError(f"audit anchor file tampered: {exc}") from exc
        if anchor is None:
            return (
                f"no anchor yet in {audit_anchor.anchor_path()} (smartcrm audit anchor, or beat, writes one)"
            )
        cls._check_earlier_head(f"{anchor.seq}:{anchor.hash}", source=f"the anchor of {anchor.at}")
        return f"latest anchor found in the chain: seq {anchor.seq} of {anchor.at}"

    @staticmethod
    def _check_earlier_head(expected: str, source: str = "an earlier head") -> None:
        """Deleting the newest events leaves a shorter chain that still verifies; the head noted
        down earlier (outside the database) must still be in it, unchanged."""
        seq_text, _, hash_text = expected.partition(":")
        if not seq_text.isdigit() or not hash_text:
            raise CommandError("--expect-head takes SEQ:HASH, as an earlier verify printed it")
        event = AuditEvent.objects.filter(seq=int(seq_text)).values("chain_hash").first()
        if event is None:
            raise CommandError(f"audit log tampered: seq {seq_text}, {source}, is gone (a cut tail)")
        if event["chain_hash"] != hash_text:
            raise CommandError(f"audit log tampered: seq {seq_text}, {source}, no longer has its hash")
