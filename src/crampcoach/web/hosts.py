"""Which `Host` a request may name: the defence against DNS rebinding.

A page on attacker.example can make its own name resolve to 127.0.0.1 and then talk to
this server as if same-origin; its requests still say `Host: attacker.example`. So every
request and WebSocket must name one of the server's own names (loopback names and
addresses, plus the names the server was started for), with the server's port.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass

from crampcoach.lan.names import normal_name

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
DEFAULT_PORTS = {"http": 80, "https": 443}


def split_host(header: str) -> tuple[str, int | None] | None:
    """(name, port) of a Host header value; None when it is not one."""
    header = header.strip()
    if not header or len(header) > 300 or any(c in header for c in " /\\@?#"):
        return None
    if header.startswith("["):  # [v6]:port
        end = header.find("]")
        if end < 0:
            return None
        name, rest = header[: end + 1], header[end + 1 :]
        if rest and not rest.startswith(":"):
            return None
        port_text = rest[1:] if rest else None
    elif header.count(":") == 1:
        name, port_text = header.split(":")
    elif ":" in header:
        return None  # an IPv6 address must be in brackets
    else:
        name, port_text = header, None
    if port_text is None:
        return normal_name(name), None
    if not port_text.isascii() or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        return None
    return normal_name(name), int(port_text)


@dataclass(frozen=True)
class HostPolicy:
    """The names a request may give in `Host`, and the port it must give with them
    (None: any port, for an app not bound to one, as in-process tests)."""

    names: frozenset[str]
    port: int | None = None
    scheme: str = "http"

    @classmethod
    def for_server(
        cls, extra_names: Iterable[str] = (), *, port: int | None = None, scheme: str = "http"
    ) -> HostPolicy:
        names = {normal_name(n) for n in (*LOOPBACK_NAMES, *extra_names) if n.strip()}
        names -= {"0.0.0.0", "::"}  # listening everywhere is not a name anyone gives
        return cls(frozenset(names), port, scheme)

    def allows(self, header: str | None) -> bool:
        parsed = split_host(header or "")
        if parsed is None:
            return False
        name, port = parsed
        if name not in self.names:
            return False
        if self.port is None:
            return True
        if port is None:  # browsers leave out the scheme's default port
            return self.port == DEFAULT_PORTS.get(self.scheme)
        return port == self.port


WILDCARDS = ("0.0.0.0", "::", "")


def machine_names() -> list[str]:
    """This machine's host name, its mDNS name and every address of its interfaces (link-
    local IPv6 left out: a browser cannot put its zone in a URL)."""
    import ifaddr

    host = socket.gethostname().strip().lower()
    names = [host, f"{host}.local"] if host and host != "localhost" else []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            address = ip.ip if isinstance(ip.ip, str) else ip.ip[0]
            if not ipaddress.ip_address(address).is_link_local:
                names.append(address)
    return names


def listening_names(host: str) -> list[str]:
    """The names a server listening on `host` answers to besides the loopback ones: the
    address or name itself, or every name of the machine when it listens everywhere."""
    if normal_name(host) in WILDCARDS:
        return machine_names()
    return [host]
