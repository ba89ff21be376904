"""A small client for any OpenAI-compatible ``/v1/chat/completions`` endpoint (Ollama, vLLM,
the llama.cpp server, OpenAI itself), streaming or not, on the standard library alone.

Configured from the environment (:meth:`LLMConfig.from_env`): ``SMARTCRM_LLM_BASE_URL`` (the
``…/v1`` base, as OpenAI clients take it; empty = no LLM, the offline default),
``SMARTCRM_LLM_MODEL``, ``SMARTCRM_LLM_API_KEY`` (sent as a bearer token when set) and
``SMARTCRM_LLM_TIMEOUT`` (seconds for the whole request, first byte to last delta).

Why :mod:`http.client` and not ``urllib.request``: the timeout is a *total* deadline, so the
socket's timeout is set to what is left before every read; a server that trickles a byte
just inside each read timeout still stops at the deadline. Every failure (connection,
status, timeout, a body that is not the protocol) raises :class:`LLMError`, the one exception
a caller catches to fall back to its offline answer.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import socket
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)
DEFAULT_TIMEOUT = 20.0
DEFAULT_MODEL = "llama3.1"
MAX_RESPONSE = 200_000  # characters: a runaway stream is cut off as a failure


class LLMError(Exception):
    """The endpoint did not give a usable answer in time (the message says why, no content)."""


@dataclass(frozen=True)
class LLMConfig:
    base_url: str
    model: str = DEFAULT_MODEL
    api_key: str = ""
    timeout: float = DEFAULT_TIMEOUT
    temperature: float = 0.1
    max_tokens: int = 400

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> LLMConfig | None:
        """The configured endpoint, or None when ``SMARTCRM_LLM_BASE_URL`` is empty."""
        env = os.environ if environ is None else environ
        base_url = env.get("SMARTCRM_LLM_BASE_URL", "").strip()
        if not base_url:
            return None
        raw_timeout = env.get("SMARTCRM_LLM_TIMEOUT", "").strip()
        try:
            timeout = float(raw_timeout or DEFAULT_TIMEOUT)
        except ValueError:
            # Read at every reply: a typo must not stop the assistant, only be said.
            logger.warning("SMARTCRM_LLM_TIMEOUT=%r is not seconds; using %s", raw_timeout, DEFAULT_TIMEOUT)
            timeout = DEFAULT_TIMEOUT
        return cls(
            base_url=base_url.rstrip("/"),
            model=env.get("SMARTCRM_LLM_MODEL", "").strip() or DEFAULT_MODEL,
            api_key=env.get("SMARTCRM_LLM_API_KEY", "").strip(),
            timeout=timeout,
        )


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        remaining = self.end - time.monotonic()
        if remaining <= 0:
            raise LLMError("timed out")
        return remaining


def _connect(config: LLMConfig, deadline: _Deadline) -> tuple[http.client.HTTPConnection, str]:
    parts = urlsplit(config.base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LLMError("SMARTCRM_LLM_BASE_URL must be an http(s) URL")
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=deadline.left())
    return connection, parts.path.rstrip("/") + "/chat/completions"


class _Response:
    """The response and its socket (kept: ``http.client`` drops ``connection.sock`` as soon as
    a response says the connection will close, yet the body still arrives on that socket)."""

    def __init__(self, connection: http.client.HTTPConnection, deadline: _Deadline) -> None:
        self.connection, self.deadline = connection, deadline
        self.sock: socket.socket | None = None
        self.response: http.client.HTTPResponse | None = None

    def read(self) -> bytes:
        """Up to one buffer of the body, within the deadline; b"" at the end."""
        assert self.sock is not None and self.response is not None
        try:
            self.sock.settimeout(self.deadline.left())
            return self.response.read1(8192)
        except (OSError, http.client.HTTPException) as exc:
            raise _failure("read failed", exc) from exc

    def close(self) -> None:
        if self.response is not None:
            self.response.close()
        self.connection.close()


def _failure(what: str, exc: BaseException) -> LLMError:
    return LLMError("timed out" if isinstance(exc, TimeoutError) else f"{what}: {type(exc).__name__}")


def _request(
    config: LLMConfig, messages: list[dict[str, str]], *, stream: bool, deadline: _Deadline
) -> _Response:
    connection, path = _connect(config, deadline)
    body = json.dumps(
        {
            "model": config.model,
            "messages": messages,
            "stream": stream,
            "temperature": config.temperature,
            "max_tokens": config.max_tokens,
        }
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "Accept": "text/event-stream" if stream else "application/json",
    }
    if config.api_key:
        headers["Authorization"] = f"Bearer {config.api_key}"
    result = _Response(connection, deadline)
    try:
        connection.request("POST", path, body=body, headers=headers)
        result.sock = connection.sock
        if result.sock is not None:
            result.sock.settimeout(deadline.left())
        result.response = connection.getresponse()
    except (OSError, http.client.HTTPException) as exc:
        result.close()
        raise _failure("request failed", exc) from exc
    if result.response.status != 200:
        result.close()
        raise LLMError(f"HTTP {result.response.status}")
    return result


def _content(payload: Any, key: str) -> str:
    try:
        choice = payload["choices"][0]
        value = choice[key].get("content") if isinstance(choice.get(key), dict) else None
    except (KeyError, IndexError, TypeError, AttributeError) as exc:
        raise LLMError("not a chat completion") from exc
    if value is not None and not isinstance(value, str):
        raise LLMError("not a chat completion")
    return value or ""


def stream_chat(config: LLMConfig, messages: list[dict[str, str]]) -> Iterator[str]:
    """The answer's text deltas as the server sends them (server-sent events, ``stream: true``)."""
    deadline = _Deadline(config.timeout)
    response = _request(config, messages, stream=True, deadline=deadline)
    buffer, total, done = b"", 0, False
    try:
        while not done:
            chunk = response.read()
            if not chunk:
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for raw in lines:
                line = raw.strip()
                if not line.startswith(b"data:"):
                    continue  # blank separators, comments, "event:" lines
                data = line[5:].strip()
                if data == b"[DONE]":
                    done = True
                    break
                try:
                    payload = json.loads(data)
                except ValueError as exc:
                    raise LLMError("not a server-sent event stream") from exc
                delta = _content(payload, "delta")
                total += len(delta)
                if total > MAX_RESPONSE:
                    raise LLMError("answer too long")
                if delta:
                    yield delta
        if not done:
            raise LLMError("stream ended without [DONE]")
    finally:
        response.close()


def chat(config: LLMConfig, messages: list[dict[str, str]]) -> str:
    """The whole answer in one response (``stream: false``)."""
    deadline = _Deadline(config.timeout)
    response = _request(config, messages, stream=False, deadline=deadline)
    body = b""
    try:
        while chunk := response.read():
            body += chunk
            if len(body) > MAX_RESPONSE * 4:
                raise LLMError("answer too long")
    finally:
        response.close()
    try:
        return _content(json.loads(body), "message")
    except ValueError as exc:
        raise LLMError("not JSON") from exc
