"""The names the local CA may vouch for, and the names a server certificate carries.

The CA is limited (X.509 name constraints) to home-network names: `localhost`, `*.local`
(mDNS), `*.home.arpa` (RFC 8375), the machine's own host name, and private, loopback and
link-local addresses. Even a stolen CA key cannot vouch for a bank's site. An address
outside those (a public one) is left out of the certificate, and so out of the names the
server answers to.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

LOCAL_DOMAINS = ("localhost", "local", "home.arpa")  # each: the name and every name below it
PRIVATE_NETWORKS: tuple[Network, ...] = tuple(
    ipaddress.ip_network(n)
    for n in (
        "127.0.0.0/8",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "169.254.0.0/16",
        "100.64.0.0/10",  # carrier-grade NAT, also what overlay networks hand out
        "::1/128",
        "fc00::/7",  # unique local IPv6
        "fe80::/10",
    )
)
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normal_name(name: str) -> str:
    """A host name or address as compared (here and by web/hosts.py): lower case, no
    brackets, no trailing dot, an address in its canonical form."""
    name = name.strip().lower().rstrip(".")
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    try:
        return str(ipaddress.ip_address(name))
    except ValueError:
        return name


def address(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


def is_dns_name(name: str) -> bool:
    return 0 < len(name) <= 253 and all(_LABEL.match(label) for label in name.split("."))


def _within(name: str, domain: str) -> bool:
    return name == domain or name.endswith("." + domain)


@dataclass(frozen=True)
class NameScope:
    """The DNS subtrees and address ranges a CA may sign for."""

    domains: tuple[str, ...]
    networks: tuple[Network, ...]

    @classmethod
    def for_host(cls, hostname: str) -> NameScope:
        """The home-network names, plus the host name when it is a DNS name not already
        among them."""
        host = normal_name(hostname)
        own = is_dns_name(host) and address(host) is None
        if own and not any(_within(host, d) for d in LOCAL_DOMAINS):
            return cls((*LOCAL_DOMAINS, host), PRIVATE_NETWORKS)
        return cls(LOCAL_DOMAINS, PRIVATE_NETWORKS)

    def covers(self, name: str) -> bool:
        ip = address(name)
        if ip is not None:
            return any(ip.version == n.version and ip in n for n in self.networks)
        return is_dns_name(name) and any(_within(name, d) for d in self.domains)


def certificate_names(
    candidates: Iterable[str], scope: NameScope
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(names the certificate carries, names left out): normalised, each once; host names
    first, then addresses, each sorted."""
    kept: set[str] = set()
    left_out: set[str] = set()
    for candidate in candidates:
        name = normal_name(candidate)
        if not name or name in ("0.0.0.0", "::"):
            continue
        (kept if scope.covers(name) else left_out).add(name)
    return _ordered(kept), _ordered(left_out)


def _ordered(names: set[str]) -> tuple[str, ...]:
    hosts = sorted(n for n in names if address(n) is None)
    ips = sorted((a for a in names if address(a) is not None), key=_address_key)
    return (*hosts, *ips)


def _address_key(name: str) -> tuple[int, int]:
    ip = ipaddress.ip_address(name)
    return ip.version, int(ip)


def primary_address() -> str | None:
    """The address this machine reaches the network from (the default route's source):
    what a phone on the same network can reach. A UDP socket's connect sends nothing."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere real
        return str(probe.getsockname()[0])
    return None


def preferred_name(names: Iterable[str], primary: str | None = None) -> str:
    """The name a phone should use, among the certificate's: the machine's own network
    address when there is one, else another non-loopback address, else an mDNS name,
    else `localhost`."""
    names = list(names)
    if primary is not None and normal_name(primary) in names:
        return normal_name(primary)
    for name in names:
        ip = address(name)
        if ip is not None and ip.version == 4 and not ip.is_loopback and not ip.is_link_local:
            return name
    for name in names:
        if name.endswith(".local"):
            return name
    return "localhost" if "localhost" in names else names[0]
