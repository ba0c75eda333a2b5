"""Which addresses the server may call on someone else's say-so: never its own network.

Admins type URLs the server then calls from inside the deployment: webhook targets, a
channel's API base URL, an RCS key's `token_uri`; providers hand us media URLs. A URL
naming a loopback, private, link-local (cloud metadata at 169.254.169.254) or other
non-public address would let them probe or hit internal services (SSRF), and with a
provider's credentials attached, steal those too. So every address a host resolves to
must be public, checked when the URL is saved (a clear form error, `validate`) and again
when it is called, since DNS answers change. The second check is not the caller's to
remember: the shared HTTP clients (inbox/http.py) run `checked_addresses` as each
connection opens and connect to the very addresses checked, so a second DNS answer cannot
slip in between the check and the connection (DNS rebinding).

The operator's allow-list, ADDRESS_GUARD_ALLOW (host names, `*.domain` wildcards, IP
addresses or CIDR networks), is the one way past the guard: an on-premise SMS gateway at
10.0.5.7, or the built-in sandboxes when the site itself listens on loopback (`make run`
and the test suite allow 127.0.0.0/8 and ::1 explicitly). A name on the list is trusted
whatever it resolves to; an address on it is trusted whichever name led there.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class UnsafeTarget(ValueError):
    """The URL may not be called; the message is fit to show an admin."""


class UnresolvedHost(UnsafeTarget):
    """The host has no address (now): refused when saving, retried when sending."""


@dataclass(frozen=True)
class AllowList:
    """ADDRESS_GUARD_ALLOW, parsed: exact names, `*.suffix` wildcards and networks."""

    names: frozenset[str] = frozenset()
    suffixes: tuple[str, ...] = ()
    networks: tuple[Network, ...] = ()

    def allows_name(self, host: str) -> bool:
        host = _normal_name(host)
        return host in self.names or any(host.endswith(s) for s in self.suffixes)

    def allows_address(self, address: Address) -> bool:
        address = _unmapped(address)
        return any(address in network for network in self.networks)


def _normal_name(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


def _unmapped(address: Address) -> Address:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@functools.lru_cache(maxsize=8)
def _parse(entries: tuple[str, ...]) -> AllowList:
    names, suffixes, networks = set(), [], []
    for raw in entries:
        entry = _normal_name(raw)
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
            continue
        except ValueError:
            pass
        if entry.startswith("*."):
            suffixes.append(entry[1:])
        else:
            names.add(entry)
    return AllowList(frozenset(names), tuple(suffixes), tuple(networks))


def allow_list() -> AllowList:
    """The operator's allow-list as configured now (tests override the setting)."""
    entries = getattr(settings, "ADDRESS_GUARD_ALLOW", ()) or ()
    if isinstance(entries, str):
        entries = entries.split(",")
    return _parse(tuple(entries))


def is_public(address: Address) -> bool:
    address = _unmapped(address)
    return address.is_global and not address.is_multicast


def parse_address(text: str) -> Address:
    # Drop an IPv6 scope ("%eth0") before parsing.
    return ipaddress.ip_address(text.split("%", 1)[0])


def resolve(host: str, port: int) -> list[Address]:
    """Every address `host` resolves to (a literal is itself), or UnresolvedHost."""
    try:
        return [ipaddress.ip_address(_normal_name(host))]
    except ValueError:
        pass
    unresolved = _("The host “%(host)s” could not be resolved.") % {"host": host}
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnresolvedHost(unresolved) from exc
    addresses = [parse_address(info[4][0]) for info in infos]
    if not addresses:
        raise UnresolvedHost(unresolved)
    return addresses


def checked_addresses(host: str, addresses: Iterable[Address]) -> list[Address]:
    """`addresses` when `host` may be called at all of them, else UnsafeTarget.

    Every answer must pass, not just the first: a name answering one public and one
    internal address would otherwise reach inside on the client's second try.
    """
    addresses = list(addresses)
    allowed = allow_list()
    if allowed.allows_name(host):
        return addresses
    for address in addresses:
        if not (is_public(address) or allowed.allows_address(address)):
            raise UnsafeTarget(
                _(
                    "“%(host)s” points to a private, loopback or otherwise internal address "
                    "(%(address)s); only public addresses may be called. An operator can "
                    "allow an on-premise host with ADDRESS_GUARD_ALLOW."
                )
                % {"host": host, "address": address}
            )
    return addresses


def _split(url: str):
    parts = urlsplit(url)
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host:
        raise UnsafeTarget(_("Use an http:// or https:// URL with a host name."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeTarget(_("The URL's port is not valid.")) from exc
    return parts, host, port


def validate(url: str) -> None:
    """UnsafeTarget when `url` may not be called now: for a clear error where the URL is
    typed (a form, a sandbox control); calls themselves are checked by inbox/http.py."""
    _parts, host, port = _split(url)
    checked_addresses(host, resolve(host, port))
