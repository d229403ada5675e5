"""Start the real `crampcoach serve` in a subprocess for browser tests (and its helpers).

Used by tests/test_web_e2e.py; the server runs on a free port with its own data
directory, is waited for on /healthz and stopped (terminate, then kill) afterwards.
`running_lan_server` starts `crampcoach serve --lan` (HTTPS, its own CA) the same way.
"""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

LOOPBACK = "127.0.0.1"


def free_port(host: str = LOOPBACK) -> int:
    """A port that was free a moment ago on `host` (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def server_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """This environment without any CRAMPCOACH_ setting, plus a data dir and `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRAMPCOACH_")}
    env.update(CRAMPCOACH_DATA_DIR=str(data_dir), TZ="Europe/Amsterdam")
    env.update(extra)
    return env


def crampcoach(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    """Run the real CLI (`python -m crampcoach ARGS`) and return what it did."""
    return subprocess.run(
        [sys.executable, "-m", "crampcoach", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@dataclass
class Server:
    url: str  # always a loopback URL, whatever address the server binds
    process: subprocess.Popen
    data_dir: Path
    env: dict[str, str]
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def _wait_healthy(
    url: str,
    process: subprocess.Popen,
    log: Path,
    timeout: float,
    verify: Callable[[], ssl.SSLContext | bool] = lambda: True,
) -> None:
    """Until /healthz answers; `verify` gives the TLS check for each try (an HTTPS server
    writes its CA only once it starts)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"crampcoach serve exited with {process.returncode}:\n"
                + log.read_text(encoding="utf-8", errors="replace")
            )
        try:
            if httpx.get(f"{url}healthz", timeout=1, verify=verify()).status_code == 200:
                return
        except (httpx.TransportError, FileNotFoundError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"crampcoach serve did not answer {url}healthz within {timeout:.0f} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def running_server(
    data_dir: Path,
    *,
    host: str = LOOPBACK,
    password: str | None = None,
    timeout: float = 30,
    env: dict[str, str] | None = None,
    port: int | None = None,
) -> Iterator[Server]:
    """`crampcoach serve --host HOST --port FREE` until the block ends. Connections are
    made to 127.0.0.1 only, also when the server binds a wider address. `env` adds to
    (or overrides) the server's environment. `port` reuses a port (a server restarted
    where a browser expects it) instead of a free one."""
    data_dir.mkdir(parents=True, exist_ok=True)
    extra = {"CRAMPCOACH_PASSWORD": password} if password is not None else {}
    extra.update(env or {})
    server_environment = server_env(data_dir, **extra)
    port = port or free_port(host if host != "0.0.0.0" else "")
    log = data_dir / f"serve-{port}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "crampcoach", "serve", "--host", host, "--port", str(port)],
            env=server_environment,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    url = f"http://{LOOPBACK}:{port}/"
    try:
        _wait_healthy(url, process, log, timeout)
        yield Server(url=url, process=process, data_dir=data_dir, env=server_environment, log=log)
    finally:
        stop(process)


@dataclass
class LanServer(Server):
    """A `serve --lan` server: `url` is https://127.0.0.1:PORT/; `ca_file` its CA (PEM)."""

    port: int = 0
    ca_file: Path = Path()

    def tls(self) -> ssl.SSLContext:
        """A client TLS context that trusts this server's CA only (and checks names)."""
        return ssl.create_default_context(cafile=str(self.ca_file))

    def names(self) -> list[str]:
        """The names its certificate is for: the names it answers to."""
        from cryptography import x509

        certificate = x509.load_pem_x509_certificate(
            (self.data_dir / "lan" / "server.pem").read_bytes()
        )
        alternatives = certificate.extensions.get_extension_for_class(
            x509.SubjectAlternativeName
        ).value
        names = alternatives.get_values_for_type(x509.DNSName)
        return [*names, *(str(a) for a in alternatives.get_values_for_type(x509.IPAddress))]


@contextmanager
def running_lan_server(
    data_dir: Path,
    *,
    host: str | None = None,
    password: str | None = None,
    timeout: float = 60,
    env: dict[str, str] | None = None,
) -> Iterator[LanServer]:
    """`crampcoach serve --lan [--host HOST] --port FREE` until the block ends; without a
    host it listens on every interface (IPv6 and IPv4). Connections go to 127.0.0.1."""
    data_dir.mkdir(parents=True, exist_ok=True)
    extra = {"CRAMPCOACH_PASSWORD": password} if password is not None else {}
    extra.update(env or {})
    server_environment = server_env(data_dir, **extra)
    port = free_port("" if host is None else host)
    log = data_dir / f"serve-lan-{port}.log"
    args = ["serve", "--lan", "--port", str(port), *(["--host", host] if host else [])]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "crampcoach", *args],
            env=server_environment,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    url = f"https://{LOOPBACK}:{port}/"
    ca_file = data_dir / "lan" / "ca.pem"
    try:
        verify = lambda: ssl.create_default_context(cafile=str(ca_file))  # noqa: E731
        _wait_healthy(url, process, log, timeout, verify)
        yield LanServer(url, process, data_dir, server_environment, log, port, ca_file)
    finally:
        stop(process)
