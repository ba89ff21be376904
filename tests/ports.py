"""A free TCP port on the loopback address, for the servers a test starts (SMTP, HTTP)."""

from __future__ import annotations

import socket


def free_port(within: str = "") -> int:
    """Any free port, or the first free one of ``within`` ("18600-18699": a range set aside for you)."""
    low, _, high = within.partition("-")
    for port in range(int(low), int(high) + 1) if within else [0]:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(probe.getsockname()[1])
    raise OSError(f"no free port in {within}")
