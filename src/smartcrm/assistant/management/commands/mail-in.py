"""``smartcrm mail-in``: one mail (RFC 822) on standard input opens a ticket or joins its ticket.

This is how a mail server hands mail to smartcrm, e.g. in Postfix's ``/etc/aliases``::

    support: "|/opt/smartcrm/bin/smartcrm mail-in"

Exit status 0: stored; 65 (EX_DATAERR): not a mail smartcrm can take, which the mail server
bounces; 75 (EX_TEMPFAIL): the database was unavailable, and the mail server tries again later.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext

from smartcrm.assistant.channels.mail_in import receive_mail
from smartcrm.core.errors import ServiceValidationError

MAX_BYTES = 25 * 1024 * 1024
EX_DATAERR, EX_TEMPFAIL = 65, 75


class Command(BaseCommand):
    help = "Read one mail from standard input: open a ticket for its sender, or add it to its ticket."

    def handle(self, *args: Any, **options: Any) -> None:
        raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise CommandError(gettext("The mail is larger than 25 MB."), returncode=EX_DATAERR)
        try:
            received = receive_mail(raw)
        except ServiceValidationError as exc:
            raise CommandError("; ".join(exc.errors.values()), returncode=EX_DATAERR) from exc
        except DatabaseError as exc:
            reason = gettext("The database is unavailable (%(error)s).") % {"error": type(exc).__name__}
            raise CommandError(reason, returncode=EX_TEMPFAIL) from exc
        verb = "opened" if received.opened else "updated"
        self.stdout.write(f"ticket #{received.ticket.pk} {verb}")
