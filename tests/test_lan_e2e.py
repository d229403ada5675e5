"""Issue 15 in a real browser: Debian's chromium (Playwright) against the real
`crampcoach serve --lan`, reached by the machine's mDNS name mapped to one of its own
non-loopback addresses, the CA trusted through an NSS database (tests/https_browser.py).
The certificate is verified, never ignored.

Shows: a secure context off loopback, a service worker registered, pairing through the
QR code's URL (then the app opens without a password), a revoked phone sent to the
login page, and screenshots of /phone at phone and desktop sizes in artifacts/screenshots/.
Skipped when chromium, certutil or Playwright is missing, except under CI (a failure).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from https_browser import CHROMIUM, CHROMIUM_ARGS, HttpsBrowser, https_browser, problem
from unavailable import unavailable

_problem = problem()
if _problem:
    unavailable(f"LAN browser tests cannot run: {_problem}", module=True)

from playwright.sync_api import Error, Page, Playwright, expect  # noqa: E402

from web_server import LanServer, running_lan_server  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
CSP_PROBE = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LanServer]:
    with running_lan_server(tmp_path_factory.mktemp("lan-e2e") / "data") as running:
        yield running


@pytest.fixture(scope="module")
def lan(
    playwright: Playwright, server: LanServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HttpsBrowser]:
    try:
        opened = https_browser(playwright, server, tmp_path_factory.mktemp("home"))
        browser = opened.__enter__()
    except LookupError as exc:
        unavailable(str(exc))
    try:
        yield browser
    finally:
        opened.__exit__(None, None, None)


def _watched(page: Page, problems: list[str]) -> Page:
    page.context.expose_function(
        "reportCspViolation", lambda text: problems.append(f"CSP violation: {text}")
    )
    page.context.add_init_script(CSP_PROBE)
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda exc: problems.append(f"uncaught: {exc}"))
    return page


def test_the_lan_server_is_a_secure_context_with_a_verified_certificate(
    lan: HttpsBrowser, playwright: Playwright, tmp_path: Path
) -> None:
    context = lan.context(viewport=PHONE)
    page = context.new_page()
    page.goto(lan.url)
    assert lan.name.endswith(".local") and not lan.address.startswith("127.")
    expect(page).to_have_url(f"{lan.url}login?next=/")  # not loopback: a login first
    expect(page.locator("#pair-first")).to_be_visible()
    assert page.evaluate("window.isSecureContext") is True
    assert page.evaluate("location.protocol") == "https:"
    context.close()

    # The same browser without the CA in its NSS database refuses the certificate.
    untrusting = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, lan.resolver_rule],
        env={**os.environ, "HOME": str(tmp_path)},  # an empty NSS database
    )
    try:
        with pytest.raises(Error, match="ERR_CERT_AUTHORITY_INVALID"):
            untrusting.new_page().goto(lan.url)
    finally:
        untrusting.close()


def test_pairing_through_the_qr_url_opens_the_app_without_a_password(lan: HttpsBrowser) -> None:
    context = lan.paired_context(viewport=PHONE, has_touch=True)
    page = context.new_page()
    page.goto(lan.url)
    expect(page).to_have_url(lan.url)
    expect(page.locator("nav[aria-label='Main']")).to_be_visible()
    device = next(c for c in context.cookies() if c["name"] == "__Host-crampcoach_device")
    assert device["httpOnly"] and device["secure"] and device["sameSite"] == "Strict"
    assert page.evaluate("document.cookie").find("crampcoach_device") < 0  # HttpOnly
    page.goto(f"{lan.url}settings")
    expect(page.locator("#devices")).to_contain_text("this device")
    context.close()


def test_a_service_worker_registers(lan: HttpsBrowser) -> None:
    context = lan.paired_context(viewport=PHONE)
    page = context.new_page()
    page.goto(lan.url)
    script = page.evaluate(
        "navigator.serviceWorker.ready"
        ".then((r) => (r.active || r.waiting || r.installing).scriptURL)"
    )
    assert script == f"{lan.url}sw.js"
    context.close()


def test_a_revoked_phone_is_sent_to_the_login_page(lan: HttpsBrowser) -> None:
    phone = lan.paired_context(viewport=PHONE)
    phone_page = phone.new_page()
    phone_page.goto(f"{lan.url}settings")
    row = phone_page.locator("#devices tr", has_text="this device")
    device_row = row.get_attribute("id")
    assert device_row and device_row.startswith("device-")

    laptop = lan.context(viewport=DESKTOP)  # the computer itself: no login on loopback
    page = laptop.new_page()
    page.goto(f"{lan.local_url}settings")
    page.locator(f"#{device_row} button", has_text="Revoke").click()
    expect(page.locator("#flash")).to_contain_text("no longer paired")
    expect(page.locator(f"#{device_row}")).to_have_count(0)

    phone_page.goto(lan.url)
    expect(phone_page).to_have_url(f"{lan.url}login?next=/")
    phone.close()
    laptop.close()


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_the_phone_page_screenshots(lan: HttpsBrowser, size: str, viewport: dict) -> None:
    context = lan.context(viewport=viewport)
    problems: list[str] = []
    page = _watched(context.new_page(), problems)
    page.goto(f"{lan.local_url}phone")
    expect(page.locator("h1")).to_have_text("Use crampcoach on your phone")
    pair = page.locator("#pair-url")
    expect(pair).to_contain_text(f"{lan.server.port}/pair?token=")
    qr = page.locator("svg.qr").nth(1)
    box = qr.bounding_box()
    assert box and box["width"] >= 200 and box["x"] >= 0
    assert box["x"] + box["width"] <= viewport["width"]  # the code fits the screen
    assert page.locator("#ca-fingerprint").inner_text().count(":") == 31
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"phone-setup-{size}.png"), full_page=True)
    assert problems == []
    context.close()
