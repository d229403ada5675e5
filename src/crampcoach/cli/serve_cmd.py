"""`crampcoach serve`: the web app on this computer (loopback unless told otherwise)."""

from __future__ import annotations

import gc
import socket
import threading
import webbrowser

import typer

from crampcoach.cli.context import settings_from
from crampcoach.errors import UserError
from crampcoach.services.storage import store_for


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


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        ctx: typer.Context,
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
        port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
        open_browser: bool = typer.Option(False, "--open", help="Open the app in a browser."),
    ) -> None:
        """Start the web app (Today, the guided player, the diary) on this computer."""
        import uvicorn

        from crampcoach.web import create_app
        from crampcoach.web.hosts import WILDCARDS, HostPolicy, listening_names, normal_name
        from crampcoach.web.security import Gate

        settings = settings_from(ctx)
        password = settings.password.get_secret_value() if settings.password else None
        gate = Gate.for_host(host, password)
        _check_port_free(host, port)
        store_for(settings)  # open and migrate the database before the first request
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
        app = create_app(settings, gate=gate, hosts=hosts)
        _settle_memory()
        uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
