"""`crampcoach serve`: the web app on this computer (loopback unless told otherwise), or
with `--lan` on the home network over HTTPS, phones paired by a QR code."""

from __future__ import annotations

import gc
import socket
import sys
import threading
import webbrowser
from typing import TYPE_CHECKING

import typer

from crampcoach.blas_threads import one_blas_thread
from crampcoach.cli.context import settings_from
from crampcoach.errors import UserError
from crampcoach.services.storage import open_store
from crampcoach.settings import Settings

if TYPE_CHECKING:
    from crampcoach.lan.site import LanSite

PORT, LAN_PORT = 8000, 8443


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise UserError(
                f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another with --port"
            ) from None


def _settle_memory() -> None:
    """Move everything loaded at start-up out of the garbage collector's view. Without
    this, each full collection walks some 125,000 long-lived objects (about 55 ms on a
    2-core machine) and shows up as a latency spike every tenth request or so."""
    gc.collect()
    gc.freeze()


def _password(settings: Settings) -> str | None:
    return settings.password.get_secret_value() if settings.password else None


def _serve_loopback(settings: Settings, host: str, port: int, open_browser: bool) -> None:
    import uvicorn

    from crampcoach.web import create_app
    from crampcoach.web.hosts import WILDCARDS, HostPolicy, listening_names, normal_name
    from crampcoach.web.security import Gate

    gate = Gate.for_host(host, _password(settings))
    _check_port_free(host, port)
    store = open_store(settings)  # opened and migrated before the first request
    names = listening_names(host)
    shown = "127.0.0.1" if normal_name(host) in WILDCARDS else host
    url = f"http://{'[' + shown + ']' if ':' in shown else shown}:{port}/"
    typer.echo(f"crampcoach is running at {url}  (Ctrl-C to stop)")
    if shown != host and names:
        typer.echo(f"On your network: http://{names[0]}:{port}/")
    if gate.login_required:
        typer.echo("A password is required to log in (CRAMPCOACH_PASSWORD).")
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    hosts = HostPolicy.for_server(names, port=port)
    one_blas_thread()  # the live camera's analysers
    app = create_app(settings, store=store, gate=gate, hosts=hosts, warm_up=True)
    _settle_memory()
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)


def _serve_lan(settings: Settings, host: str, port: int, open_browser: bool) -> None:
    """HTTPS for the home network: the local CA and the server certificate (made or
    renewed now), the Host allow-list = the certificate's names, a pairing QR code."""
    from crampcoach.lan.certificates import ensure_certificates
    from crampcoach.lan.names import normal_name, preferred_name, primary_address
    from crampcoach.lan.pairing import PairingTokens
    from crampcoach.lan.qr import print_qr
    from crampcoach.lan.site import LanSite, origin
    from crampcoach.lan.tls_server import listening_socket, serve_https
    from crampcoach.services.devices import device_login
    from crampcoach.web import create_app
    from crampcoach.web.hosts import LOOPBACK_NAMES, WILDCARDS, HostPolicy, listening_names
    from crampcoach.web.security import Gate, is_loopback

    store = open_store(settings)  # opened and migrated before the first request
    gate = Gate.for_lan(_password(settings), devices=device_login(store))
    hostname = socket.gethostname().strip().lower()
    own = [hostname, f"{hostname}.local"] if hostname not in ("", "localhost") else []
    candidates = [*LOOPBACK_NAMES, *own, *listening_names(host)]
    directory = settings.data_dir / "lan"
    try:
        certificates = ensure_certificates(directory, candidates, hostname)
    except OSError as exc:
        raise UserError(f"cannot keep the certificates in {directory}: {exc}") from None
    everywhere = normal_name(host) in WILDCARDS
    if not everywhere and normal_name(host) not in certificates.names:
        raise UserError(
            f"--lan serves your home network, and {host} is not a home-network name or "
            "address (a private, loopback or .local one); leave out --host to listen on all"
        )
    try:
        sock = listening_socket(host, port)
    except OSError as exc:
        shown = f"[{host}]" if ":" in host else host
        raise UserError(
            f"cannot listen on {shown}:{port}: {exc.strerror or exc}; choose another with --port"
        ) from None
    for change in certificates.changes:
        typer.echo(change)
    name = preferred_name(certificates.names, primary_address()) if everywhere else host
    site = LanSite.from_certificates(certificates, normal_name(name), port, PairingTokens())
    local = origin("localhost", port) if everywhere or is_loopback(host) else None
    _announce(site, local, certificates.left_out, password_set=gate.password_hash is not None)
    print_qr(site.pair_url(), sys.stdout)
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(f"{local or site.url}/phone",)).start()
    hosts = HostPolicy(frozenset(certificates.names), port=port, scheme="https")
    one_blas_thread()  # the live camera's analysers
    app = create_app(settings, store=store, gate=gate, hosts=hosts, warm_up=True)
    app.state.lan = site
    _settle_memory()
    serve_https(
        app,
        sock,
        certificates=certificates,
        renew=lambda: ensure_certificates(directory, certificates.names, hostname),
    )


def _announce(
    site: LanSite, local: str | None, left_out: tuple[str, ...], *, password_set: bool
) -> None:
    from crampcoach.lan.pairing import PAIRING_LIFETIME_S

    typer.echo(f"crampcoach is running at {site.url}  (Ctrl-C to stop)")
    typer.echo("It answers to: " + ", ".join(site.names))
    if left_out:
        typer.echo("Left out (not home-network addresses): " + ", ".join(left_out))
    if local:
        typer.echo(f"On this computer: {local}/ ; to set up a phone: {local}/phone")
    typer.echo(
        "On your phone: trust this computer's CA first (steps on /phone), then scan this code."
        f" It logs one phone in; it works once, for {PAIRING_LIFETIME_S // 60} minutes"
        + (f" (a new one: {local}/phone)." if local else ".")
    )
    if password_set:
        typer.echo("The password (CRAMPCOACH_PASSWORD) also logs in, at /login.")


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        ctx: typer.Context,
        host: str | None = typer.Option(
            None, "--host", help="Address to listen on [127.0.0.1; with --lan: all]."
        ),
        port: int | None = typer.Option(
            None, "--port", min=1, max=65535, help=f"Port [{PORT}; with --lan: {LAN_PORT}]."
        ),
        lan: bool = typer.Option(
            False, "--lan", help="Serve your home network over HTTPS; pair phones by QR code."
        ),
        open_browser: bool = typer.Option(False, "--open", help="Open the app in a browser."),
    ) -> None:
        """Start the web app (Today, the guided player, the diary) on this computer."""
        settings = settings_from(ctx)
        if lan:
            _serve_lan(settings, host or "::", port or LAN_PORT, open_browser)
        else:
            _serve_loopback(settings, host or "127.0.0.1", port or PORT, open_browser)
