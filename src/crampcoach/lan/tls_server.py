"""uvicorn over HTTPS with the LAN certificate, renewed while it runs: once a day the
certificate is checked (lan/certificates.py) and, when a new one was made, loaded into
the server's TLS context for the connections that follow. The check runs on the event
loop itself, so no handshake is under way while the context changes.

Without a `--host` the server listens on every interface, IPv6 and IPv4 on one socket
where the system allows (so the IPv6 addresses in the certificate answer too), else IPv4.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import time
from collections.abc import Callable

import uvicorn

from crampcoach.lan.certificates import LanCertificates

RENEWAL_CHECK_S = 24 * 3600.0
EVERYWHERE = "::"


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound socket on `host` ("::": every interface, both IP versions if possible).
    Raises OSError when the address is taken or not this machine's."""
    if host == EVERYWHERE:
        try:
            return _bound(socket.AF_INET6, ("::", port), dual=True)
        except OSError:
            return _bound(socket.AF_INET, ("0.0.0.0", port))
    family, _, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    return _bound(family, address)


def _bound(family: int, address: tuple, *, dual: bool = False) -> socket.socket:  # type: ignore[type-arg]
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if dual:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


class RenewingServer(uvicorn.Server):
    def __init__(
        self,
        config: uvicorn.Config,
        renew: Callable[[], LanCertificates],
        *,
        every_s: float = RENEWAL_CHECK_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(config)
        self.renew = renew
        self.every_s = every_s
        self.clock = clock
        self.next_check = clock() + every_s

    async def on_tick(self, counter: int) -> bool:
        if self.clock() >= self.next_check:
            self.next_check = self.clock() + self.every_s
            self.check_certificate()
        return await super().on_tick(counter)

    def check_certificate(self) -> bool:
        """Renew when due; True when a new certificate is now served."""
        try:
            certificates = self.renew()
        except OSError as exc:  # a full disk, a removed folder: keep serving the old one
            print(f"crampcoach: could not renew the certificate: {exc}", file=sys.stderr)
            return False
        if not certificates.changes or self.config.ssl is None:
            return False
        self.config.ssl.load_cert_chain(certificates.cert_file, certificates.key_file)
        for change in certificates.changes:
            print(f"crampcoach: {change}", file=sys.stderr)
        return True


def serve_https(
    app: object,
    sock: socket.socket,
    *,
    certificates: LanCertificates,
    renew: Callable[[], LanCertificates],
) -> None:
    host, port = sock.getsockname()[:2]
    config = uvicorn.Config(
        app,  # type: ignore[arg-type]
        host=host,
        port=port,
        log_level="warning",
        server_header=False,
        ssl_certfile=str(certificates.cert_file),
        ssl_keyfile=str(certificates.key_file),
    )
    server = RenewingServer(config, renew)
    with contextlib.suppress(KeyboardInterrupt):
        server.run(sockets=[sock])
    if not server.started:
        sys.exit(3)
