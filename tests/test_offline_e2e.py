"""Offline once installed (issue 15, item 6), in Debian's chromium (Playwright) against the
real `crampcoach serve` in a subprocess.

The app is installed (its service worker controls the page); then the server is stopped
and, with it unreachable, the page logs two cramps in the diary form and plays a routine;
the line at the top says it is offline and what waits. The server comes back on the same
address with the same data, and exactly two cramps and one session are stored, also when
the page sends twice (two flushes at once, a second sender, a lost answer, a reload in
the middle of sending).

The `installed` fixture yields the base URL and the browser context (with a way to stop
and restart the server), so the test runs unchanged against the HTTPS harness of
`serve --lan` (tests/https_browser.py) once that can restart its server on one port.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text

from browser import ZONE, Tab, open_tab, require_browser, shoot
from crampcoach import __version__

require_browser()
pytest_plugins = ["browser"]

from playwright.sync_api import Browser, BrowserContext, Page, Route, expect  # noqa: E402
from playwright.sync_api import Error as PlaywrightError  # noqa: E402

from web_server import free_port, running_server, stop  # noqa: E402

PHONE = {"width": 390, "height": 844}
ROUTINE = "calf-stretch"  # 230 s, a few seconds at 50x
OFFLINE_TWO = "Offline: 2 cramps will be sent when crampcoach is reachable."
OFFLINE_ALL = "Offline: 2 cramps and 1 routine will be sent when crampcoach is reachable."
CACHE_KEYS = """async () => {
  const keys = [];
  for (const name of await caches.keys()) {
    for (const request of await (await caches.open(name)).keys()) {
      const url = new URL(request.url);
      keys.push(url.pathname + url.search);
    }
  }
  return keys;
}"""
WAITING = "CrampcoachOffline.entries().then((all) => all.map((e) => e.key))"


@dataclass
class OfflineApp:
    """An installed app whose server can be made unreachable and brought back."""

    url: str  # the base URL, ending in /
    context: BrowserContext
    data_dir: Path
    stop: Callable[[], None]  # the server unreachable (its process ended)
    restart: Callable[[], None]  # the same server again: same address, same data

    def stored(self) -> tuple[list[str | None], list[str | None]]:
        """The client keys of every stored cramp (deleted ones too) and session."""
        engine = create_engine(f"sqlite:///{self.data_dir / 'crampcoach.db'}")
        try:
            with engine.connect() as connection:
                cramps = connection.execute(text("SELECT client_key FROM episodes"))
                cramp_keys = list(cramps.scalars())
                sessions = connection.execute(text("SELECT client_key FROM routine_sessions"))
                return cramp_keys, list(sessions.scalars())
        finally:
            engine.dispose()


@pytest.fixture
def installed(tmp_path: Path, browser: Browser) -> Iterator[tuple[OfflineApp, Tab]]:
    """The loopback server (http://127.0.0.1 is a secure context: a service worker may
    run) and a phone-sized tab in which the app is installed: the worker controls it."""
    data_dir = tmp_path / "data"
    port = free_port()
    with ExitStack() as stack:
        servers = []

        def start() -> None:
            servers.append(stack.enter_context(running_server(data_dir, port=port)))

        start()
        tab = open_tab(browser, viewport=PHONE, touch=True)
        app = OfflineApp(
            servers[0].url, tab.page.context, data_dir, lambda: stop(servers[-1].process), start
        )
        install(app, tab.page)
        yield app, tab
        tab.close()


def install(app: OfflineApp, page: Page) -> None:
    page.goto(app.url)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null"), "not installed"


def _log_cramp(page: Page, severity: str) -> None:
    form = page.locator("form#log-form")
    form.locator('input[name="place"][value="calf"]').check()
    form.locator('input[name="severity"]').fill(severity)
    form.locator('input[name="minutes"]').fill("2")
    page.locator("#log-submit").click()
    expect(page.locator("#flash")).to_have_text(
        "Saved on this phone; it will be sent when crampcoach is reachable."
    )


def _go_offline_and_save(app: OfflineApp, tab: Tab) -> list[str]:
    """Stop the server; log two cramps and play the routine; the keys that wait."""
    page = tab.page
    # The person opened the diary and the player while the server was there.
    page.goto(f"{app.url}diary")
    page.goto(f"{app.url}play/{ROUTINE}?speed=50")
    assert app.stored() == ([], [])

    app.stop()
    tab.allow(r"Failed to load resource: net::ERR_CONNECTION_REFUSED")
    status = page.locator("#offline-status")
    page.goto(f"{app.url}diary")  # from the service worker's cache
    expect(page.locator("form#log-form")).to_be_visible()
    expect(status).to_contain_text("Offline: crampcoach is not reachable.")
    expect(status).to_have_attribute("role", "status")
    _log_cramp(page, "5")
    expect(status).to_have_text("Offline: 1 cramp will be sent when crampcoach is reachable.")
    _log_cramp(page, "7")
    expect(status).to_have_text(OFFLINE_TWO)
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "offline-diary", "phone", full_page=False)

    page.goto(f"{app.url}play/{ROUTINE}?speed=50")
    expect(status).to_have_text(OFFLINE_TWO)
    page.locator("#start").click()  # its timeline comes from the cache
    player = page.locator("#player")
    expect(player).to_have_attribute("data-status", "queued", timeout=30_000)
    expect(page.locator("#save-status")).to_contain_text("Saved on this phone")
    expect(status).to_have_text(OFFLINE_ALL)
    waiting = page.evaluate(WAITING)
    assert len(waiting) == 3
    assert app.stored() == ([], [])  # nothing reached the server
    return waiting


def _until_nothing_waits(page: Page, timeout_s: float = 60) -> None:
    """Until the outbox is empty (an entry leaves it only once the server stored it),
    whichever page (the old one, or the one reloaded) sends what waits."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if page.evaluate(f"window.CrampcoachOffline ? {WAITING} : null") == []:
                return
        except PlaywrightError:
            pass  # the page is being reloaded
        page.wait_for_timeout(200)
    raise AssertionError(f"entries still wait after {timeout_s:.0f} s")


def test_saved_offline_is_sent_once_when_the_server_is_back(
    installed: tuple[OfflineApp, Tab],
) -> None:
    app, tab = installed
    page = tab.page
    assert page.evaluate("caches.keys()") == [f"crampcoach-{__version__}"]  # by version
    kept = page.evaluate(CACHE_KEYS)
    assert any(k.startswith(f"/api/timeline?routine={ROUTINE}&leg=") for k in kept), kept
    waiting = _go_offline_and_save(app, tab)

    entries = page.evaluate("CrampcoachOffline.entries()")
    app.restart()
    # The page sends twice: two flushes at once, and a second sender (another tab, an
    # answer lost on the way) posting every entry that waited, under its key, at the same
    # time. (The page's own 20 s retry may have begun sending already: all the same.)
    page.evaluate(
        """async (entries) => {
          const copies = entries.map((e) => fetch(e.url, {
            method: "POST", body: JSON.stringify(e.body),
            headers: { "Content-Type": "application/json", "Idempotency-Key": e.key },
          }));
          await Promise.all([CrampcoachOffline.flush(), CrampcoachOffline.flush(), ...copies]);
        }""",
        entries,
    )
    assert page.evaluate(WAITING) == []
    cramps, sessions = app.stored()
    assert (len(cramps), len(sessions)) == (2, 1)
    assert sorted(cramps + sessions) == sorted(waiting)  # type: ignore[type-var]

    page.reload()  # and what a page load sends: nothing more
    status = page.locator("#offline-status")
    expect(status).to_contain_text("2 cramps and 1 routine saved on this phone.")
    expect(status).to_contain_text("Sent at ")
    assert app.stored() == (cramps, sessions)

    # Nothing personal from the API was kept: only timelines (and demonstrations).
    api = [k for k in page.evaluate(CACHE_KEYS) if k.startswith("/api/")]
    assert api and all(k.startswith(("/api/timeline?", "/api/demonstration?")) for k in api), api
    assert tab.problems() == []


def test_a_lost_answer_and_a_reload_while_sending_store_nothing_twice(
    installed: tuple[OfflineApp, Tab],
) -> None:
    app, tab = installed
    page = tab.page
    waiting = _go_offline_and_save(app, tab)

    # The first cramp to reach the server is stored, but its answer is lost on the way
    # back: the page keeps it and sends it again. (Routed before the server is back: the
    # page's own 20 s retry may be the first to reach it.)
    lost: list[str] = []

    def lose_first_answer(route: Route) -> None:
        if route.request.method != "POST" or lost:
            route.fallback()
            return
        try:
            route.fetch()  # the server stores it ...
        except PlaywrightError:
            route.abort("connectionrefused")  # not back yet
            return
        lost.append(route.request.headers["idempotency-key"])
        route.abort("connectionreset")  # ... and the page hears nothing

    tab.allow(r"Failed to load resource: net::ERR_CONNECTION_RESET")
    page.route("**/api/episodes", lose_first_answer)
    app.restart()
    page.evaluate("CrampcoachOffline.flush()")
    assert lost == [waiting[0]]  # in order: the first kept is the first sent
    assert waiting[0] in app.stored()[0]  # stored, though the page never heard so
    page.unroute("**/api/episodes")

    # A flush, and a reload in the middle of it: the new page sends what is left.
    page.evaluate("CrampcoachOffline.flush(); setTimeout(() => location.reload(), 5)")
    _until_nothing_waits(page)
    cramps, sessions = app.stored()
    assert (len(cramps), len(sessions)) == (2, 1)
    assert sorted(cramps + sessions) == sorted(waiting)  # type: ignore[type-var]
    assert tab.problems() == []


def test_an_entry_the_server_refuses_stays_listed_and_is_not_sent_again(
    installed: tuple[OfflineApp, Tab],
) -> None:
    app, tab = installed
    page = tab.page
    page.goto(f"{app.url}diary")
    # Online, the form is posted as before (htmx), with the key diary.js gave it.
    form = page.locator("form#log-form")
    form.locator('input[name="leg"][value="left"]').check()
    form.locator('input[name="place"][value="foot"]').check()
    form.locator('input[name="severity"]').fill("3")
    page.locator("#log-submit").click()
    expect(page.locator("#flash")).to_contain_text("Saved: left foot, severity 3")
    (online_key,), _ = app.stored()
    assert online_key and re.fullmatch(r"[0-9a-f-]{36}", online_key), online_key

    app.stop()
    tab.allow(r"Failed to load resource: net::ERR_CONNECTION_REFUSED")
    tab.allow(r"status of 422")
    # A cramp whose time is an hour ahead: the server refuses it when it is back.
    future = (datetime.now(ZoneInfo(ZONE)) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    page.locator('form#log-form input[name="at"]').fill(future)
    _log_cramp(page, "4")
    _log_cramp(page, "6")
    app.restart()
    page.evaluate("CrampcoachOffline.flush()")
    status = page.locator("#offline-status")
    expect(status.locator(".offline-refused")).to_have_count(1)
    expect(status.locator(".offline-refused")).to_contain_text("Not sent: the cramp")
    expect(status.locator(".offline-refused")).to_contain_text("future")
    cramps, _ = app.stored()
    assert len(cramps) == 2  # the online one, and the second sent after the refused first
    page.evaluate("CrampcoachOffline.flush()")
    assert len(app.stored()[0]) == 2  # the refused one is not tried again
    status.get_by_role("button", name="Remove").click()
    expect(status.locator(".offline-refused")).to_have_count(0)
    assert page.evaluate(WAITING) == []
