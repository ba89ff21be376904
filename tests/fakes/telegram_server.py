"""A fake Telegram Bot API: a real HTTP server on an ephemeral port, in a thread.

It speaks the Bot API's protocol (``POST /bot<token>/<method>`` with JSON, answered
``{"ok": true, "result": …}`` or ``{"ok": false, "error_code": …, "description": …}``), knows
one bot token, and records every call so a test can read what the bot sent. ``fail_next``
makes the next calls fail (a 500, a 429 with ``retry_after``, a 400) to exercise retries.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]


class FakeTelegram:
    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[Call] = []
        self._failures: list[tuple[int, dict[str, Any]]] = []
        self._lock = threading.Lock()
        self._message_ids = iter(range(1, 1_000_000))
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                status, answer = fake._answer(self.path, raw)
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeTelegram:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail_next(self, status: int, description: str = "", retry_after: int | None = None) -> None:
        answer: dict[str, Any] = {"ok": False, "error_code": status, "description": description or "Error"}
        if retry_after is not None:
            answer["parameters"] = {"retry_after": retry_after}
        with self._lock:
            self._failures.append((status, answer))

    def sent(self, chat_id: int | str | None = None) -> list[str]:
        """The texts sent with sendMessage (to one chat)."""
        return [
            c.params["text"]
            for c in self.calls
            if c.method == "sendMessage" and (chat_id is None or str(c.params["chat_id"]) == str(chat_id))
        ]

    def wait_for(self, count: int, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.calls) < count and time.monotonic() < deadline:
            time.sleep(0.01)

    @staticmethod
    def _bad(description: str) -> tuple[int, dict[str, Any]]:
        return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {description}"}

    def _answer(self, path: str, raw: bytes) -> tuple[int, dict[str, Any]]:
        prefix, _, method = path.lstrip("/").partition("/")
        if prefix != f"bot{self.token}":
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        try:
            params = json.loads(raw or b"{}")
        except ValueError:
            return self._bad("invalid JSON")
        with self._lock:
            self.calls.append(Call(method, params))
            if self._failures:
                return self._failures.pop(0)
        if method == "sendMessage":
            if not params.get("text") or "chat_id" not in params:
                return self._bad("message text is empty")
            if len(params["text"]) > 4096:
                return self._bad("message is too long")
            result = {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": params["chat_id"], "type": "private"},
                "text": params["text"],
            }
            return 200, {"ok": True, "result": result}
        if method in ("setWebhook", "deleteWebhook"):
            return 200, {"ok": True, "result": True, "description": "Webhook was set"}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
