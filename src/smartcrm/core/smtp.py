"""Sending one email at most once, even when the sending process is killed.

SMTP cannot say whether a message was delivered when the connection drops right after the
server's answer (the "two generals"), so a sender that records "sent" after the answer sends a
message twice when it dies in between, and one that records it before may lose it. This
sender narrows that down to the second, short case: it speaks SMTP up to the whole message
body *without* the final ``.`` line (the server has accepted nothing yet), calls ``commit``
to record the message sent, and only then sends the ``.``. A process killed before the commit
leaves an unfinished SMTP transaction that the server throws away when the connection drops:
the message is sent again later, once. Killed after it, the message is recorded sent and the
kernel still flushes the ``.``: nothing twice. Only a kill during the commit's round trip loses
that one message (made short with :func:`commit_without_flush_wait`).

Campaign sends (campaigns/sending.py) and workflow emails (automation's outbox) send this way.
"""

from __future__ import annotations

import re
import smtplib
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend
from django.db import connection, transaction

EOL = re.compile(rb"\r\n|\n|\r")
DOT = re.compile(rb"(?m)^\.")


class Refused(Exception):
    def __init__(self, code: int, stage: str) -> None:
        super().__init__(f"{stage} refused with {code}")
        self.code, self.stage = code, stage


class ClaimLost(Exception):
    """``commit`` said no: another worker owns the message now."""


def wire(raw: bytes) -> bytes:
    """A message as DATA sends it: CRLF line ends, leading dots doubled, a final line end."""
    data = DOT.sub(b"..", EOL.sub(b"\r\n", raw))
    return data if data.endswith(b"\r\n") else data + b"\r\n"


@contextmanager
def commit_without_flush_wait() -> Iterator[None]:
    """A transaction whose commit does not wait for PostgreSQL's WAL flush: a killed worker's
    window shrinks to a short round trip (a database crash, not a worker's, could undo it)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


class OnceSender:
    """One SMTP connection (Django's backend: host, port, TLS and login from settings)."""

    def __init__(self) -> None:
        self.backend: EmailBackend = get_connection(backend="django.core.mail.backends.smtp.EmailBackend")
        self.backend.open()
        sock = self.smtp.sock
        if sock is not None:  # the body and the final "." are two writes: no Nagle delay between
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    @property
    def smtp(self) -> smtplib.SMTP:
        assert self.backend.connection is not None
        return self.backend.connection

    def send(self, sender: str, recipient: str, raw: bytes, commit: Callable[[], bool]) -> None:
        """Send ``raw``; ``commit`` records it sent (False: ClaimLost) before the server may accept."""
        self.smtp.ehlo_or_helo_if_needed()
        code, _ = self.smtp.mail(sender)
        if code != 250:
            self.smtp.rset()
            raise Refused(code, "MAIL")
        code, _ = self.smtp.rcpt(recipient)
        if code not in (250, 251):
            self.smtp.rset()
            raise Refused(code, "RCPT")
        self.smtp.putcmd("data")
        code, _ = self.smtp.getreply()
        if code != 354:
            self.smtp.rset()
            raise Refused(code, "DATA")
        self.smtp.send(wire(raw))
        if not commit():  # the message is "sent" before the server may accept it
            raise ClaimLost()  # another worker took it over: drop the connection, the server discards
        self.smtp.send(b".\r\n")
        code, _ = self.smtp.getreply()
        if code != 250:
            raise Refused(code, "end of data")

    def close(self) -> None:
        self.backend.close()
