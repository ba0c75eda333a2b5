"""Which webhook URLs the server may call: never its own network (SSRF guard).

An admin types the URL, and the server POSTs to it from inside the deployment, so a
URL naming a loopback, private, link-local (cloud metadata at 169.254.169.254) or other
non-public address would let them probe or hit internal services. The host is resolved
and every address it resolves to must be public, once when the URL is saved (a clear
form error) and again at each delivery, since DNS answers can change after saving. The
delivery then connects to the very address that was checked (the URL's host stays in
the Host header and TLS SNI/certificate check), so a second DNS answer cannot slip in
between the check and the connection (DNS rebinding).

WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=True turns the guard off for development and the test
suite, whose receivers listen on localhost.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings


class UnsafeTarget(ValueError):
    """The URL may not be called; the message is fit to show an admin."""


@dataclass(frozen=True)
class Target:
    """Where to connect: `url` (host replaced by the checked address when pinned), plus
    the Host header and httpx request extensions that keep the original name for HTTP
    and TLS."""

    url: str
    headers: dict = field(default_factory=dict)
    extensions: dict = field(default_factory=dict)


def _allow_private() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", False))


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeTarget(f"The host “{host}” could not be resolved.") from exc
    # Drop an IPv6 scope ("%eth0") before parsing.
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]


def check(url: str) -> Target:
    """The Target to POST to for `url`, or UnsafeTarget when any address is not public."""
    parts = urlsplit(url)
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host:
        raise UnsafeTarget("Use an http:// or https:// URL with a host name.")
    if _allow_private():
        return Target(url=url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeTarget("The URL's port is not valid.") from exc
    addresses = _resolve(host, port)
    if not addresses:
        raise UnsafeTarget(f"The host “{host}” could not be resolved.")
    blocked = [a for a in addresses if not _is_public(a)]
    if blocked:
        raise UnsafeTarget(
            f"“{host}” points to a private, loopback or otherwise internal address "
            f"({blocked[0]}); webhooks may only go to public addresses."
        )
    return _pinned(parts, host, addresses[0])


def _pinned(parts, host: str, address) -> Target:
    literal = f"[{address}]" if address.version == 6 else str(address)
    netloc = literal if parts.port is None else f"{literal}:{parts.port}"
    if parts.username or parts.password:
        credentials = parts.netloc.rsplit("@", 1)[0]
        netloc = f"{credentials}@{netloc}"
    url = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    host_header = host if parts.port is None else f"{host}:{parts.port}"
    extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
    return Target(url=url, headers={"Host": host_header}, extensions=extensions)
