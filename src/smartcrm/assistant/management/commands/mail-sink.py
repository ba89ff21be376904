"""``smartcrm mail-sink``: a local SMTP server that keeps every mail it gets (embedded mode).

The embedded default sends mail to 127.0.0.1:1025; this listens there and writes each mail to
``<data dir>/mail/<time>-<n>.eml``, printing who it was for, so the demo's acknowledgements and
agents' replies can be read without a real mail server. It never relays anything.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Any

from django.conf import settings
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
            from aiosmtpd.controller import Controller
        except ImportError as exc:
            raise CommandError("the mail sink needs aiosmtpd: pip install aiosmtpd") from exc
        folder: Path = options["dir"] or Path(settings.DATA_DIR) / "mail"
        folder.mkdir(parents=True, exist_ok=True)
        counter = itertools.count(1)
        out = self.stdout

        class Keep:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                path = folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{next(counter)}.eml"
                path.write_bytes(envelope.original_content or envelope.content)
                out.write(f"{path.name}: {len(envelope.rcpt_tos)} recipient(s)")
                return "250 OK"

        controller = Controller(Keep(), hostname=options["host"], port=options["port"])
        controller.start()
        where = f"{options['host']}:{options['port']}"
        self.stdout.write(f"mail sink on {where}, keeping mail in {folder}; Ctrl-C stops")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
