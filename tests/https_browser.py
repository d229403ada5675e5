"""Debian's chromium trusting a `crampcoach serve --lan` server, as a phone on the home
network would: for browser tests that need a secure context off loopback (camera, wake
lock, service worker).

- The server's CA is trusted through an NSS database made with `certutil` in a temporary
  HOME (`$HOME/.pki/nssdb`, where chromium on Linux looks); the certificate is verified,
  never ignored (no --ignore-certificate-errors).
- The server is reached by its mDNS name (`HOSTNAME.local`, in its certificate), mapped by
  chromium's `--host-resolver-rules` to one of this machine's own non-loopback addresses
  that the certificate covers, so the server sees a peer that is not loopback and asks
  for a login, as it would of a phone.
- `paired_context` pairs a new browser context through the QR code's URL (read from the
  loopback page /phone), so the app opens without a password.

Usage (see tests/test_lan_e2e.py):

    with running_lan_server(data_dir) as server, sync_playwright() as p, \\
            https_browser(p, server, home_dir) as lan:
        context = lan.paired_context(viewport={"width": 390, "height": 844})
        page = context.new_page(); page.goto(lan.url)

Missing chromium, certutil or Playwright: `problem()` says which (a skip, a failure
under CI). Never downloads a browser.
"""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from browser import CHROMIUM, CHROMIUM_ARGS
from web_server import LanServer

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Playwright


def problem() -> str | None:
    """Why these browser tests cannot run here, or None."""
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"{CHROMIUM} is missing (apt install chromium)"
    if shutil.which("certutil") is None:
        return "certutil is missing (apt install libnss3-tools)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is missing (pip install playwright)"
    return None


def trusting_home(home: Path, ca_file: Path) -> Path:
    """A HOME whose NSS database trusts `ca_file` to identify web sites (and nothing else)."""
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True, exist_ok=True)
    for args in (
        ["-N", "--empty-password"],
        ["-A", "-t", "C,,", "-n", "crampcoach local CA", "-i", str(ca_file)],
    ):
        subprocess.run(
            ["certutil", "-d", f"sql:{nssdb}", *args], check=True, capture_output=True, timeout=30
        )
    return home


def reachable_address(names: list[str]) -> str | None:
    """One of this machine's addresses in the certificate that is not loopback (IPv4
    first): where chromium is sent for the server's mDNS name."""
    found: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = []
    for name in names:
        try:
            ip = ipaddress.ip_address(name)
        except ValueError:
            continue
        if not ip.is_loopback and not ip.is_link_local:
            found.append(ip)
    found.sort(key=lambda ip: ip.version)
    return str(found[0]) if found else None


def resolver_rule(name: str, address: str) -> str:
    """Chromium's switch that sends `name` to `address` (no DNS, no mDNS)."""
    target = f"[{address}]" if ":" in address else address
    return f"--host-resolver-rules=MAP {name} {target}"


def pairing_url(server: LanServer) -> str:
    """A fresh one-time pairing URL, read from /phone as the computer itself sees it."""
    page = httpx.get(f"{server.url}phone", verify=server.tls(), timeout=10)
    page.raise_for_status()
    match = re.search(r'id="pair-url"[^>]*>([^<]+)<', page.text)
    assert match, "no pairing URL on /phone"
    return match.group(1).replace("&amp;", "&")


@dataclass
class HttpsBrowser:
    server: LanServer
    browser: Browser
    name: str  # the server's mDNS name, as a phone would use it
    address: str  # where chromium connects for it

    @property
    def url(self) -> str:
        return f"https://{self.name}:{self.server.port}/"

    @property
    def resolver_rule(self) -> str:
        return resolver_rule(self.name, self.address)

    @property
    def local_url(self) -> str:
        """The same server as this computer itself opens it (a loopback peer)."""
        return f"https://localhost:{self.server.port}/"

    def context(self, **options: Any) -> BrowserContext:
        """A fresh context (no cookies); Playwright's new_context options."""
        options.setdefault("locale", "en-GB")
        options.setdefault("color_scheme", "dark")
        return self.browser.new_context(**options)

    def pair(self, context: BrowserContext) -> None:
        """Pair `context` through the QR code's URL, with the name a phone uses."""
        url = pairing_url(self.server)
        path = url.split("/", 3)[3]
        page = context.new_page()
        page.goto(f"{self.url}{path}")
        if page.url != self.url:
            raise AssertionError(f"pairing did not open the app: {page.url}")
        page.close()

    def paired_context(self, **options: Any) -> BrowserContext:
        """A context already paired: the app opens without a password."""
        context = self.context(**options)
        self.pair(context)
        return context


@contextmanager
def https_browser(
    playwright: Playwright, server: LanServer, home: Path, *extra_args: str
) -> Iterator[HttpsBrowser]:
    """Chromium trusting `server`'s CA (NSS database in `home`) and resolving the server's
    `.local` name to a non-loopback address of this machine; `extra_args` go to chromium
    (e.g. its fake camera)."""
    names = server.names()
    name = next((n for n in names if n.endswith(".local")), None)
    address = reachable_address(names)
    if name is None or address is None:
        raise LookupError(
            f"the server's certificate has no .local name or no non-loopback address: {names}"
        )
    trusting_home(home, server.ca_file)
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, resolver_rule(name, address), *extra_args],
        env={**os.environ, "HOME": str(home)},
    )
    try:
        yield HttpsBrowser(server, browser, name, address)
    finally:
        browser.close()
