"""``smartcrm mail-sink``: a local SMTP server that keeps every mail it gets (embedded mode).

The embedded default sends mail to 127.0.0.1:1025; this listens there and writes each mail to
``<data dir>/mail/<time>-<n>.eml``, printing who it was for, so the demo's acknowledgements and
agents' replies can be read without a real mail server. It never relays anything.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Run a local SMTP sink (default 127.0.0.1:1025) that saves each mail as an .eml file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=1025)
        parser.add_argument(
            "--dir", type=Path, default=None, help="where to keep mail (default DATA_DIR/mail)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            from smartcrm.core.mail_sink import sink_folder, start_sink
        except ImportError as exc:  # pragma: no cover - aiosmtpd is a dependency
            raise CommandError("the mail sink needs aiosmtpd: pip install aiosmtpd") from exc
        folder: Path = options["dir"] or sink_folder()
        out = self.stdout

        def told(path: Path, recipients: int) -> None:
            out.write(f"{path.name}: {recipients} recipient(s)")

        controller = start_sink(options["host"], options["port"], folder, on_mail=told)
        where = f"{options['host']}:{options['port']}"
        if controller is None:
            raise CommandError(f"{where} is taken: is a mail sink or server already running there?")
        self.stdout.write(f"mail sink on {where}, keeping mail in {folder}; Ctrl-C stops")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
