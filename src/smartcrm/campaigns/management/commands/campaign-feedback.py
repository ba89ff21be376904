"""``smartcrm campaign-feedback``: one mail on standard input — a bounce (DSN), a complaint (ARF)
or a mail to the List-Unsubscribe address — suppresses its address. In Postfix's aliases::

    bounces: "|/opt/smartcrm/bin/smartcrm campaign-feedback"
    unsubscribe: "|/opt/smartcrm/bin/smartcrm campaign-feedback"

Exit status 0: read (what it was is printed); 75 (EX_TEMPFAIL): the database was unavailable.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from smartcrm.campaigns.feedback import receive_report

MAX_BYTES = 10 * 1024 * 1024
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Read a bounce, complaint or unsubscribe mail from standard input and suppress its address."

    def handle(self, *args: Any, **options: Any) -> None:
        raw = sys.stdin.buffer.read(MAX_BYTES)
        try:
            outcome = receive_report(raw)
        except DatabaseError as exc:
            raise CommandError(
                f"database unavailable ({type(exc).__name__})", returncode=EX_TEMPFAIL
            ) from exc
        self.stdout.write(f"{outcome.kind}: {outcome.suppressed} address(es) suppressed")
