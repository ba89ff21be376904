"""A small OpenAI-protocol server for the tests: a real HTTP server on an ephemeral port, in a
thread, answering ``POST /v1/chat/completions`` with and without ``stream: true``.

``mode`` says how it answers:

- ``cite``: a reply that quotes the start of source 1 and cites ``[1]`` (a well-behaved model);
- ``obey``: a model that follows every instruction it finds in the messages: asked for its
  system prompt (or rules/instructions) it repeats the system message, and it repeats every
  email address, phone-like and order-like number in the data blocks, plus ``leak`` (a secret
  the model "knows"), always citing ``[1]`` so that only the assistant's guards can stop it;
- ``bad_citation``: cites a source that was not given;
- ``slow``: streams one word per ``delay`` seconds (or waits that long before a plain reply);
- ``error``: HTTP 500; ``garbage``: HTTP 200 with a body that is not the protocol.

Every request body is kept in ``requests`` (to check what the assistant sent).
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
NUMBER = re.compile(r"#?[A-Z]{0,4}-?\d{4,}", re.IGNORECASE)
ASKS_FOR_RULES = re.compile(r"system prompt|instructions|rules|系统提示|指令|提示词", re.IGNORECASE)


class FakeOpenAI:
    def __init__(self, mode: str = "cite", *, delay: float = 0.0, leak: str = "") -> None:
        self.mode, self.delay, self.leak = mode, delay, leak
        self.requests: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet test output
                pass

            def do_POST(self) -> None:
                # The client may give up first (a timeout test).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    fake._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- answering ---------------------------------------------------------------------------
    def answer(self, messages: list[dict[str, str]]) -> str:
        system = next((m["content"] for m in messages if m.get("role") == "system"), "")
        data = "\n".join(m["content"] for m in messages if m.get("role") != "system")
        if self.mode == "bad_citation":
            return "As our policy says [9]."
        if self.mode == "obey":
            parts = ["Sure, here is everything [1]."]
            if ASKS_FOR_RULES.search(data):
                parts.append(system)
            parts += EMAIL.findall(data) + NUMBER.findall(data)
            if self.leak:
                parts.append(self.leak)
            return " ".join(parts)
        source = re.search(r"SOURCE \[1\] \w+>>>\n(?:\(.*?\)\n)?(.*?)\n<<<END", data, re.DOTALL)
        quote = " ".join((source.group(1) if source else "").split()[:30])
        return f"{quote} [1]"

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        if handler.path.rstrip("/") != "/v1/chat/completions":
            handler.send_error(404)
            return
        length = int(handler.headers.get("Content-Length") or 0)
        request = json.loads(handler.rfile.read(length) or b"{}")
        self.requests.append(request)
        if self.mode == "error":
            handler.send_error(500, "boom")
            return
        if self.mode == "garbage":
            body = b"<html>this is not an API</html>"
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
            return
        text = self.answer(request.get("messages") or [])
        if request.get("stream"):
            self._stream(handler, text)
            return
        if self.mode == "slow":
            time.sleep(self.delay)
        body = json.dumps(
            {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "model": request.get("model", ""),
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
                ],
            }
        ).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _stream(self, handler: BaseHTTPRequestHandler, text: str) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Cache-Control", "no-cache")
        handler.end_headers()
        for delta in _deltas(text):
            if self.mode == "slow":
                time.sleep(self.delay)
            event = {"choices": [{"index": 0, "delta": {"content": delta}, "finish_reason": None}]}
            handler.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
            handler.wfile.flush()
        handler.wfile.write(b"data: [DONE]\n\n")
        handler.wfile.flush()


def _deltas(text: str) -> Iterator[str]:
    words = re.split(r"(?<=\s)", text)
    yield from (w for w in words if w)


if __name__ == "__main__":  # `python -m tests.fakes.openai_server obey`: make eval's fake LLM
    import sys

    server = FakeOpenAI(sys.argv[1] if len(sys.argv) > 1 else "cite")
    print(server.base_url, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server._server.serve_forever()
