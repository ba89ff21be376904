"""A free TCP port on the loopback address, for the servers a test starts (SMTP, HTTP)."""

from __future__ import annotations

import socket


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
