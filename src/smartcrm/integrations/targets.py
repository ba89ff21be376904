"""SSRF defence: an outbound webhook may only reach public addresses.

A URL is refused when its scheme is not http(s) or when its host resolves to any address that is
not globally routable (loopback, private, link-local such as cloud metadata at 169.254.169.254,
carrier-grade NAT, multicast, reserved, unspecified), unless ``SMARTCRM_WEBHOOKS_ALLOW_PRIVATE``
is set. It is checked when an endpoint is saved and again before every attempt (a name may
resolve elsewhere later), and redirects are never followed.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from smartcrm.integrations import conf


class UnsafeTarget(ValueError):
    """The URL may not be called; the message says why (no addresses in it)."""


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str) -> None:
    """Raise UnsafeTarget unless ``url`` is http(s) and every address of its host is public."""
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
    if conf.allow_private_targets():
        return
    if not infos or not all(_is_public(str(info[4][0])) for info in infos):
        raise UnsafeTarget(
            "The host resolves to a private, loopback or reserved address "
            "(set SMARTCRM_WEBHOOKS_ALLOW_PRIVATE=1 to allow it)."
        )
