"""A real HTTP receiver on a local port (``http.server`` in a thread) that verifies our
signature the way docs/integrations.md tells receivers to."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from smartcrm.integrations.signing import verify_outbound


@dataclass
class Received:
    at: float
    path: str
    headers: dict[str, str]
    body: bytes
    signature_ok: bool


@dataclass
class Receiver:
    secret: str = ""
    # Status codes to answer, in turn; the last one repeats.
    script: list[int] = field(default_factory=lambda: [200])
    redirect_to: str = ""
    # Seconds to wait before answering (a request is recorded when it arrives).
    delay: float = 0.0
    requests: list[Received] = field(default_factory=list)
    url: str = ""

    def answer(self) -> int:
        n = len(self.requests)
        return self.script[min(n - 1, len(self.script) - 1)]


@contextmanager
def running(receiver: Receiver) -> Iterator[Receiver]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            signature = self.headers.get("X-Smartcrm-Signature", "")
            receiver.requests.append(
                Received(
                    time.monotonic(),
                    self.path,
                    dict(self.headers.items()),
                    body,
                    bool(receiver.secret) and verify_outbound(receiver.secret, body, signature),
                )
            )
            status = receiver.answer()
            time.sleep(receiver.delay)
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", receiver.redirect_to)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            return  # keep the test output clean

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
