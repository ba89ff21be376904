"""A local SMTP server that keeps every mail it gets as an ``.eml`` file and relays nothing.

The embedded mode sends mail to 127.0.0.1:1025 (settings ``EMAIL_HOST``/``EMAIL_PORT``); the demo
runs this sink there while it sets up and while it serves, and ``smartcrm mail-sink`` runs it
alone. The campaigns' outbox page reads the folder.
"""

from __future__ import annotations

import email
import email.policy
import itertools
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings


def sink_folder() -> Path:
    return Path(settings.DATA_DIR) / "mail"


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def start_sink(
    host: str | None = None,
    port: int | None = None,
    folder: Path | None = None,
    on_mail: Callable[[Path, int], None] | None = None,
) -> Any | None:
    """Start the sink in a background thread on ``EMAIL_HOST:EMAIL_PORT`` (or the address given);
    returns its controller (``.stop()``), or None when the port is taken (another sink, or a
    real server, is already there)."""
    from aiosmtpd.controller import Controller

    host = host or settings.EMAIL_HOST
    port = port or settings.EMAIL_PORT

    if not _port_free(host, port):
        return None
    target = folder or sink_folder()
    target.mkdir(parents=True, exist_ok=True)
    counter = itertools.count(1)

    class Keep:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            path = target / f"{time.strftime('%Y%m%d-%H%M%S')}-{next(counter):06d}.eml"
            path.write_bytes(envelope.original_content or envelope.content)
            if on_mail is not None:
                on_mail(path, len(envelope.rcpt_tos))
            return "250 OK"

    controller = Controller(Keep(), hostname=host, port=port)
    controller.start()
    return controller


@contextmanager
def running_sink() -> Iterator[Any | None]:
    """The sink for the duration of a block (None inside when the port was taken)."""
    controller = start_sink()
    try:
        yield controller
    finally:
        if controller is not None:
            controller.stop()


@dataclass(frozen=True)
class KeptMail:
    name: str
    received: datetime
    to: str
    subject: str
    unsubscribe: bool  # carries List-Unsubscribe


def kept_mail(limit: int = 100, folder: Path | None = None) -> list[KeptMail]:
    """The newest mail in the sink's folder, newest first (headers only)."""
    target = folder or sink_folder()
    if not target.is_dir():
        return []
    files = sorted(target.glob("*.eml"), key=lambda p: p.name, reverse=True)[:limit]
    kept = []
    for path in files:
        with path.open("rb") as handle:
            message = email.message_from_binary_file(handle, policy=email.policy.default)
        kept.append(
            KeptMail(
                name=path.name,
                received=datetime.fromtimestamp(path.stat().st_mtime, tz=UTC),
                to=str(message.get("To", "")),
                subject=str(message.get("Subject", "")),
                unsubscribe="List-Unsubscribe" in message,
            )
        )
    return kept
