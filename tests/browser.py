"""Debian's chromium driven by Playwright, for the browser tests: the launch, a tab that
records console errors and CSP violations, screenshots, and what a page shows a phone.

tests/conftest.py loads it as a plugin (`pytest_plugins`), so every module gets its
Playwright and browser from here (two `sync_playwright()` at once fail). They last one
module: the sync API keeps an asyncio loop running on the main thread while it is open,
which would break the `asyncio.run` of later modules. Call `require_browser()` at the top
of the module first: it skips the module with the reason when chromium or Playwright is
missing, and fails under CI (`CI` set). Never downloads a browser.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from unavailable import unavailable

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
ZONE = "Europe/Amsterdam"
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
# The phone sizes of issue 15: small, common, and the common one turned on its side.
PHONES = {
    "360x640": {"width": 360, "height": 640},
    "390x844": {"width": 390, "height": 844},
    "844x390": {"width": 844, "height": 390},
}
# Reports Content-Security-Policy violations to the test as they happen (init scripts
# run before the page's own and are not subject to its CSP).
CSP_PROBE = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


def problem() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"{CHROMIUM} is missing (apt install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is missing (pip install playwright)"
    return None


def require_browser() -> None:
    """Skip the calling module when the browser cannot run (a failure under CI)."""
    reason = problem()
    if reason is None:
        return
    unavailable(f"browser tests cannot run: {reason}", module=True)


def launch(playwright: Playwright, *extra: str) -> Browser:
    """Debian's chromium only; never `playwright install`."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra])


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = launch(playwright)
    yield launched
    launched.close()


@dataclass
class Tab:
    """A page in its own browser context that records console errors and CSP violations."""

    page: Page
    errors: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        """A console error that the test expects (e.g. the 401 of a refused login)."""
        self.allowed.append(re.compile(pattern))

    def problems(self) -> list[str]:
        return [e for e in self.errors if not any(p.search(e) for p in self.allowed)]

    def assert_clean(self) -> None:
        assert self.problems() == [], "console errors or CSP violations in the browser"

    def close(self) -> None:
        self.page.context.close()


def open_tab(
    browser: Browser,
    *,
    size: str = "desktop",
    viewport: dict[str, int] | None = None,
    touch: bool = False,
    **options: Any,
) -> Tab:
    """A new context and page: `size` from SIZES (or an explicit `viewport`), dark, en-GB,
    the test's time zone; `options` go to Playwright's new_context."""
    options.setdefault("timezone_id", ZONE)
    options.setdefault("locale", "en-GB")
    options.setdefault("color_scheme", "dark")
    context = browser.new_context(
        viewport=viewport or SIZES[size], has_touch=touch, is_mobile=False, **options
    )
    return watch(context.new_page())


def watch(page: Page) -> Tab:
    """Record the console errors, uncaught exceptions and CSP violations of `page` (and
    of every page of its context, for the CSP)."""
    page.set_default_timeout(15_000)
    tab = Tab(page)
    page.context.expose_function(
        "reportCspViolation", lambda text: tab.errors.append(f"CSP violation: {text} ({page.url})")
    )
    page.context.add_init_script(CSP_PROBE)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            tab.errors.append(f"console {message.type}: {message.text} ({page.url})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: tab.errors.append(f"uncaught: {exc} ({page.url})"))
    return tab


WIDER_THAN_WINDOW = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth)
  .map(e => `${e.tagName.toLowerCase()}.${e.className} "${(e.innerText || '').slice(0, 40)}"`)"""


def shoot(page: Page, name: str, size: str, *, full_page: bool = True) -> Path:
    """A screenshot in artifacts/screenshots/NAME-SIZE.png, after checking that nothing
    scrolls sideways."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wide = page.evaluate(WIDER_THAN_WINDOW) if overflow > 0 else []
    assert overflow <= 0, f"{name} scrolls sideways by {overflow} px at {size} size: {wide}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{size}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
