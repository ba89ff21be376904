"""SSRF defence: an outbound webhook may only reach public addresses.

A URL is refused when its scheme is not http(s) or when its host resolves to any address that is
not globally routable (loopback, private, link-local such as cloud metadata at 169.254.169.254,
carrier-grade NAT, multicast, reserved, unspecified), unless ``SMARTCRM_WEBHOOKS_ALLOW_PRIVATE``
is set. It is checked when an endpoint is saved and again before every attempt (a name may
resolve elsewhere later), and redirects are never followed.

An attempt resolves the name once and connects to the address it checked (``post``): a second
lookup by the HTTP client could answer another address (DNS rebinding: public at the check,
``127.0.0.1`` at the connect). The Host header, TLS's server name and the certificate check stay
the URL's host name.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

from smartcrm.integrations import conf


class UnsafeTarget(ValueError):
    """The URL may not be called; the message says why (no addresses in it)."""


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str) -> str:
    """Raise UnsafeTarget unless ``url`` is http(s) and every address of its host is public;
    the address to connect to."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UnsafeTarget("Use an http or https URL.")
    if not parts.hostname:
        raise UnsafeTarget("The URL has no host.")
    if parts.username or parts.password:
        raise UnsafeTarget("Put no credentials in the URL; receivers verify the signature instead.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError) as exc:
        raise UnsafeTarget("The host name does not resolve.") from exc
    if not infos:
        raise UnsafeTarget("The host name does not resolve.")
    if not conf.allow_private_targets() and not all(_is_public(str(info[4][0])) for info in infos):
        raise UnsafeTarget(
            "The host resolves to a private, loopback or reserved address "
            "(set SMARTCRM_WEBHOOKS_ALLOW_PRIVATE=1 to allow it)."
        )
    return str(infos[0][4][0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to a given address; everything else (the Host header) is the URL's host."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The same over TLS: the server name sent and the certificate checked are the host's."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> int:
    """POST ``body`` to ``url`` at the address :func:`check_url` approved; the status code.

    Redirects are not followed (the status is answered). Raises UnsafeTarget, or OSError when
    the endpoint cannot be reached."""
    address = check_url(url)
    parts = urlsplit(url)
    host = parts.hostname or ""
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    kind = _PinnedHTTPSConnection if https else _PinnedHTTPConnection
    connection = kind(host, port, address, timeout)
    try:
        path = parts.path or "/"
        connection.request("POST", f"{path}?{parts.query}" if parts.query else path, body, headers)
        response = connection.getresponse()
        response.read(1024)
        return int(response.status)
    except http.client.HTTPException as exc:
        raise OSError(f"bad answer: {type(exc).__name__}") from exc
    finally:
        connection.close()
