"""The phone beside the bed (issue 15, items 3 and 7), in Debian's chromium at the phone
sizes 360x640, 390x844 and 844x390 against the real `crampcoach serve`:

- mid-routine, the count, the instruction, Pause/Next/Back/Stop, the "Paused" banner, the
  camera preview and its hints are inside the viewport without scrolling; the site
  navigation is hidden while the routine plays and back after Stop;
- every button, link and form control on every page is at least 48x48 CSS px;
- a wake lock is held during a routine, said on the page, and asked for again when the
  page is shown after the browser let go of it;
- after saving a cramp, the confirmation and the red-flag offer are in view;
- on a page that is not a secure context (plain http by a host name), the camera,
  keep-awake and install controls each say why in one line, with the fix;
- axe-core finds no serious or critical violation on any page, phone and desktop;
- each count is announced once by the page's live regions;
- screenshots of the player mid-routine at the three sizes go to artifacts/screenshots/.

The phone reaches `crampcoach serve --lan` over HTTPS by the server's `.local` name (not a
loopback name), its certificate verified against the server's own CA, trusted in an NSS
database as a phone would after the /phone steps, and paired through the QR code's URL
(tests/https_browser.py): a secure context, as on a real phone on the home network.
"""

from __future__ import annotations

import re
import socket
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from browser import PHONES, ZONE, Tab, launch, open_tab, require_browser, shoot
from unavailable import unavailable

require_browser()

from playwright.sync_api import Browser, Page, Playwright, expect  # noqa: E402

from crampcoach.export.diary_json import write_json  # noqa: E402
from crampcoach.fixtures.diary import generate_history  # noqa: E402
from https_browser import https_browser  # noqa: E402
from web_server import (  # noqa: E402
    LanServer,
    Server,
    crampcoach,
    running_lan_server,
    running_server,
    server_env,
)

PASSWORD = "bedside-lamp-2718"
FAKE_CAMERA = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
FIX = "crampcoach serve --lan"
TAP = 48  # CSS px, both ways
# Every page of the app, by path; the player's own states are added where they are made.
PAGES = {
    "today": "",
    "player": "play/bedtime?leg=right",
    "diary": "diary",
    "insights": "insights",
    "trial": "trial",
    "screening": "screening",
    "settings": "settings",
    "error": "diary/no-such-cramp/edit",
}


# -- where the app runs ------------------------------------------------------------------
@dataclass
class Site:
    """The app as a phone reaches it: its base URL and a way to open a tab on it."""

    url: str
    open: Callable[..., Tab]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LanServer]:
    """`serve --lan` with three weeks of generated diary (Insights and the diary have
    content)."""
    data_dir = tmp_path_factory.mktemp("phone") / "data"
    end = datetime.now(ZoneInfo(ZONE)).date() - timedelta(days=2)
    history = data_dir.parent / "history.json"
    history.write_text(write_json(generate_history(nights=21, end=end)), encoding="utf-8")
    imported = crampcoach("import", str(history), env=server_env(data_dir))
    assert imported.returncode == 0, imported.stderr
    with running_lan_server(data_dir) as running:
        yield running


def _phone_site(
    server: LanServer, playwright: Playwright, home: Path, *extra: str
) -> Iterator[Site]:
    """The app on a paired phone: HTTPS by the server's .local name, its CA trusted."""
    with https_browser(playwright, server, home, *extra) as lan:

        def open_paired(**options: Any) -> Tab:
            tab = open_tab(lan.browser, **options)
            lan.pair(tab.page.context)
            return tab

        yield Site(lan.url, open_paired)


@pytest.fixture(scope="module")
def site(
    server: LanServer, playwright: Playwright, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    yield from _phone_site(server, playwright, tmp_path_factory.mktemp("phone-home"))


@pytest.fixture(scope="module")
def camera_site(
    server: LanServer, playwright: Playwright, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """The same app in a browser with chromium's fake camera, its permission granted. The
    server must analyse frames (the camera extra) for the preview to stay on."""
    try:
        import mediapipe  # noqa: F401
    except ImportError as exc:
        unavailable(f"the camera extra is not installed ({exc}): pip install -e '.[camera]'")
    home = tmp_path_factory.mktemp("camera-home")
    yield from _phone_site(server, playwright, home, *FAKE_CAMERA)


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Listening on every address with a password: it answers to the machine's host name."""
    with running_server(
        tmp_path_factory.mktemp("guarded") / "data", host="0.0.0.0", password=PASSWORD
    ) as running:
        yield running


@pytest.fixture(scope="module")
def insecure_site(guarded: Server, playwright: Playwright) -> Iterator[Site]:
    """The guarded server as plain http by the machine's host name: not a secure context.
    Chromium maps the name to 127.0.0.1, so nothing leaves the machine."""
    name = socket.gethostname().strip().lower()
    if not name or name == "localhost" or name.endswith(".localhost"):
        pytest.skip(f"this machine's host name ({name!r}) is a loopback name: always secure")
    browser = launch(playwright, f"--host-resolver-rules=MAP {name} 127.0.0.1")
    port = guarded.url.rsplit(":", 1)[1].rstrip("/")
    yield Site(f"http://{name}:{port}/", lambda **options: open_tab(browser, **options))
    browser.close()


def _log_in(tab: Tab, url: str) -> None:
    page = tab.page
    page.goto(f"{url}login")
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page.locator(".actions .cramp-now")).to_be_visible()


# -- what the page shows -------------------------------------------------------------------
def _start(page: Page, site: Site, routine: str = "bedtime", **query: Any) -> None:
    params = "&".join(f"{k}={v}" for k, v in {"leg": "right", **query}.items())
    page.goto(f"{site.url}play/{routine}?{params}")
    expect(page.locator("#player")).to_have_attribute("data-status", "ready")
    page.locator("#start").click()
    expect(page.locator("#player")).to_have_attribute("data-status", "running")


BOXES = """(selectors) => selectors.map((s) => {
  const e = document.querySelector(s);
  if (!e) return { s, missing: true };
  const r = e.getBoundingClientRect();
  // An ancestor that clips (overflow not visible) must hold it whole, or part is cut off.
  let clippedBy = null;
  for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
    const style = getComputedStyle(a);
    if (style.overflowX === "visible" && style.overflowY === "visible") continue;
    const c = a.getBoundingClientRect();
    if (r.left < c.left - 0.5 || r.top < c.top - 0.5 || r.right > c.right + 0.5
        || r.bottom > c.bottom + 0.5) { clippedBy = a.id || a.className; break; }
  }
  return { s, left: r.left, top: r.top, right: r.right, bottom: r.bottom, clippedBy,
           width: r.width, height: r.height, shown: e.getClientRects().length > 0 };
})"""


def _outside(page: Page, selectors: list[str]) -> list[str]:
    """The elements among `selectors` not shown whole inside the viewport (or cut off by
    a box that clips them)."""
    size = page.viewport_size
    assert size is not None
    outside = []
    for box in page.evaluate(BOXES, selectors):
        if box.get("missing") or not box["shown"] or box["width"] == 0 or box["height"] == 0:
            outside.append(f"{box['s']}: not shown")
            continue
        where = [round(box[k]) for k in ("left", "top", "right", "bottom")]
        if (
            box["left"] < -0.5
            or box["top"] < -0.5
            or box["right"] > size["width"] + 0.5
            or box["bottom"] > size["height"] + 0.5
        ):
            outside.append(f"{box['s']}: {where} in {size['width']}x{size['height']}")
        elif box["clippedBy"]:
            outside.append(f"{box['s']}: {where} cut off by {box['clippedBy']}")
    return outside


def _overlapping(page: Page, selectors: list[str]) -> list[str]:
    """The pairs among `selectors` (shown ones) whose boxes overlap: one hides the other."""
    boxes = [b for b in page.evaluate(BOXES, selectors) if not b.get("missing") and b["width"]]
    found = []
    for i, one in enumerate(boxes):
        for other in boxes[i + 1 :]:
            across = min(one["right"], other["right"]) - max(one["left"], other["left"])
            down = min(one["bottom"], other["bottom"]) - max(one["top"], other["top"])
            if across > 0.5 and down > 0.5:
                found.append(f"{one['s']} and {other['s']}")
    return found


def _scrolls(page: Page) -> int:
    """How far the page scrolls down (0: it fits the viewport)."""
    return page.evaluate("document.documentElement.scrollHeight - window.innerHeight")


# The player's controls and what it shows; the camera's preview and hints when it is on.
STEP = ["#figure", "#step-title", "#instruction", "#cue", "#back", "#pause", "#skip", "#stop"]
CAMERA = ["#camera-video", ".camera-notes", "#camera-hint", "#camera-count", "#camera-toggle"]
# The blocks of the screen, none over another.
BLOCKS = [".step-head", "#instruction", ".dial", "#cue", ".camera-view", ".camera-notes"]
BLOCKS += ["#paused", ".controls", "#mute", "#camera-toggle", "#wake"]


def test_the_phone_is_a_secure_context_with_its_service_worker(site: Site) -> None:
    """Reached by a name that is not loopback, over HTTPS with a verified certificate."""
    tab = site.open(viewport=PHONES["390x844"], touch=True)
    page = tab.page
    try:
        page.goto(site.url)
        assert page.evaluate("location.protocol") == "https:"
        assert page.evaluate("location.hostname").endswith(".local")
        assert page.evaluate("window.isSecureContext") is True
        registered = page.evaluate(
            "navigator.serviceWorker.ready.then((r) => Boolean(r.active && r.scope))"
        )
        assert registered is True
        expect(page.locator(".actions .cramp-now")).to_be_visible()
        tab.assert_clean()
    finally:
        page.context.close()


@pytest.mark.parametrize("size", list(PHONES))
def test_the_player_fits_the_phone_with_the_camera_on(camera_site: Site, size: str) -> None:
    tab = camera_site.open(viewport=PHONES[size], touch=True)
    page = tab.page
    try:
        page.goto(f"{camera_site.url}play/bedtime?leg=right")
        expect(page.locator(".topbar nav")).to_be_visible()
        _start(page, camera_site)
        expect(page.locator("#figure")).to_have_text("2/10", timeout=10_000)
        # No site navigation while it plays; the step and its controls fill the screen.
        expect(page.locator(".topbar")).to_be_hidden()
        expect(page.locator(".footer")).to_be_hidden()
        assert _outside(page, STEP) == []
        assert _overlapping(page, BLOCKS) == []
        assert _scrolls(page) <= 0
        shoot(page, "player-phone", size, full_page=False)

        # The camera, turned on mid-routine: its preview and hints are in view too.
        page.locator("#camera-toggle").tap()
        expect(page.locator("#camera")).to_have_attribute("data-state", "on", timeout=30_000)
        page.wait_for_function(
            """() => Number(document.getElementById("camera-stats").dataset.analysed) >= 3
                  && document.getElementById("camera-hint").textContent.trim() !== ""
                  && !document.getElementById("camera-count").hidden"""
        )
        expect(page.locator("#camera-hint")).to_have_text(re.compile(r"\w"))
        assert _outside(page, STEP + CAMERA) == []
        assert _scrolls(page) <= 0
        shoot(page, "player-camera-phone", size, full_page=False)

        # Paused: the banner is in view as well, and nothing else was pushed out.
        page.locator("#pause").tap()
        expect(page.locator("#paused")).to_be_visible()
        assert _outside(page, [*STEP, *CAMERA, "#paused"]) == []
        assert _overlapping(page, BLOCKS) == []
        assert _scrolls(page) <= 0

        page.locator("#stop").tap()
        expect(page.locator("#player")).to_have_attribute("data-status", "saved", timeout=15_000)
        expect(page.locator(".topbar nav")).to_be_visible()
        expect(page.locator(".footer")).to_be_visible()
        tab.assert_clean()
    finally:
        tab.close()


def test_a_long_instruction_scrolls_in_its_own_box(site: Site) -> None:
    """The instruction never pushes the controls off a small screen."""
    tab = site.open(viewport=PHONES["360x640"], touch=True)
    page = tab.page
    long = "Keep the knee still and breathe out slowly. " * 30
    # The page's own fetch of its timeline, every instruction made long (in the page: the
    # browser resolves the phone's .local name, a fetch from outside it would not).
    lengthen = """(long) => {
      const fetched = window.fetch.bind(window);
      window.fetch = async (url, ...rest) => {
        const answer = await fetched(url, ...rest);
        if (!String(url).includes("/api/timeline?")) return answer;
        const timeline = await answer.json();
        for (const step of timeline.steps) step.instruction = long;
        return new Response(JSON.stringify(timeline), {
          headers: { "content-type": "application/json" } });
      };
    }"""

    try:
        page.add_init_script(f"({lengthen})({long!r})")
        _start(page, site, speed=1)
        expect(page.locator("#instruction")).to_have_text(long.strip())
        assert _outside(page, STEP) == []
        assert _scrolls(page) <= 0
        scroll = page.evaluate(
            """() => { const e = document.getElementById("instruction");
                       return [e.scrollHeight, e.clientHeight]; }"""
        )
        assert scroll[0] > scroll[1] > 0, "the instruction scrolls inside its box"
        tab.assert_clean()
    finally:
        tab.close()


# -- touch targets ---------------------------------------------------------------------------
# Every visible control: buttons, links, summaries, fields; a radio button or check box by
# its label (the label is what a thumb taps). Off-screen ones (the skip link) are left out.
SMALL_TARGETS = """(tap) => {
  const small = [], seen = new Set();
  const controls = 'a[href], button, summary, select, textarea, [role=button], '
    + 'input:not([type=hidden])';
  for (const e of document.querySelectorAll(controls)) {
    const box = e.matches('input[type=radio], input[type=checkbox]');
    const target = box ? (e.closest('label') || e) : e;
    if (seen.has(target)) continue;
    seen.add(target);
    const r = target.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= 0 || r.bottom <= 0) continue;
    if (getComputedStyle(target).visibility === 'hidden') continue;
    if (r.width < tap - 0.5 || r.height < tap - 0.5) {
      const name = (target.innerText || target.value || '').trim();
      small.push(`${target.tagName.toLowerCase()}#${target.id}.${target.className} `
        + `${Math.round(r.width)}x${Math.round(r.height)} "${name.slice(0, 30)}"`);
    }
  }
  return small;
}"""


def _small_targets(page: Page) -> list[str]:
    return page.evaluate(SMALL_TARGETS, TAP)


@pytest.mark.parametrize("size", ["360x640", "844x390"])
def test_every_button_and_link_is_big_enough_for_a_thumb(
    site: Site, guarded: Server, browser: Browser, size: str
) -> None:
    tab = site.open(viewport=PHONES[size], touch=True)
    page = tab.page
    tab.allow(r"status of 404")  # the error page
    small: dict[str, list[str]] = {}
    try:
        for name, path in PAGES.items():
            page.goto(f"{site.url}{path}")
            small[name] = _small_targets(page)
        _start(page, site, speed=1)
        expect(page.locator("#figure")).to_have_text("1/10")
        small["player mid-routine"] = _small_targets(page)
        page.locator("#stop").tap()
        expect(page.locator("#player")).to_have_attribute("data-status", "saved")
        small["player summary"] = _small_targets(page)
        page.goto(f"{site.url}diary")
        page.locator("#nights a.edit-link").first.click()
        expect(page.locator("#save-edit")).to_be_visible()
        small["diary edit"] = _small_targets(page)
        tab.assert_clean()
    finally:
        tab.close()
    login = open_tab(browser, viewport=PHONES[size], touch=True)
    try:
        login.page.goto(f"{guarded.url}login")
        small["login"] = _small_targets(login.page)
    finally:
        login.close()
    assert {page: found for page, found in small.items() if found} == {}


# -- keep-awake ------------------------------------------------------------------------------
# Wraps the real Wake Lock API so the test can do what the browser does when the page is
# hidden (let go of the lock): headless chromium keeps every page visible.
KEEP_LOCKS = """
if ("wakeLock" in navigator) {
  const request = navigator.wakeLock.request.bind(navigator.wakeLock);
  window.testLocks = [];
  navigator.wakeLock.request = async (type) => {
    const lock = await request(type);
    window.testLocks.push(lock);
    return lock;
  };
}
"""


def test_a_wake_lock_is_held_while_a_routine_plays(site: Site) -> None:
    tab = site.open(viewport=PHONES["390x844"], touch=True)
    page = tab.page
    player = page.locator("#player")
    try:
        page.context.add_init_script(KEEP_LOCKS)
        page.goto(f"{site.url}play/bedtime?leg=left")
        assert page.evaluate("window.isSecureContext && 'wakeLock' in navigator")
        expect(player).to_have_attribute("data-wake", "idle")
        expect(page.locator("#wake")).to_be_hidden()  # nothing to say before the start

        _start(page, site, speed=1)
        expect(player).to_have_attribute("data-wake", "held")
        expect(page.locator("#wake")).to_have_text("Screen kept awake")
        assert page.evaluate("window.testLocks.length === 1 && !window.testLocks[0].released")
        assert _outside(page, ["#wake"]) == []

        # The page hidden: the browser lets go of the lock; shown again, it is asked again.
        page.evaluate("window.testLocks[0].release()")
        expect(player).to_have_attribute("data-wake", "released")
        expect(page.locator("#wake")).to_contain_text("The screen may sleep")
        page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
        expect(player).to_have_attribute("data-wake", "held")
        assert page.evaluate("window.testLocks.length === 2 && !window.testLocks[1].released")

        page.locator("#stop").tap()
        expect(player).to_have_attribute("data-status", "saved", timeout=15_000)
        expect(player).to_have_attribute("data-wake", "idle")
        assert page.evaluate("window.testLocks.every((lock) => lock.released)")
        tab.assert_clean()
    finally:
        tab.close()


def test_a_refused_wake_lock_is_said(site: Site) -> None:
    tab = site.open(viewport=PHONES["390x844"], touch=True)
    page = tab.page
    try:
        page.goto(f"{site.url}play/bedtime?leg=left")
        cdp = page.context.new_cdp_session(page)
        context_id = cdp.send("Target.getTargetInfo")["targetInfo"]["browserContextId"]
        cdp.send(
            "Browser.setPermission",
            {
                "permission": {"name": "screen-wake-lock"},
                "setting": "denied",
                "origin": site.url.rstrip("/"),
                "browserContextId": context_id,
            },
        )
        _start(page, site, speed=1)
        expect(page.locator("#player")).to_have_attribute("data-wake", "refused")
        expect(page.locator("#wake")).to_have_text(
            "The screen may sleep: the browser would not keep it awake (NotAllowedError)."
        )
        tab.assert_clean()
    finally:
        tab.close()


# -- after saving a cramp ------------------------------------------------------------------
def test_after_saving_a_cramp_the_confirmation_and_offer_are_in_view(site: Site) -> None:
    tab = site.open(viewport=PHONES["390x844"], touch=True)
    page = tab.page
    try:
        page.goto(f"{site.url}diary")
        form = page.locator("form#log-form")
        at = (datetime.now(ZoneInfo(ZONE)) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
        form.locator('input[name="at"]').fill(at)
        form.locator('input[name="leg"][value="left"]').check()
        form.locator('input[name="place"][value="calf"]').check()
        form.locator('input[name="severity"]').fill("9")
        form.locator('input[name="minutes"]').fill("12")
        page.locator("#log-submit").tap()
        expect(page.locator("#flash")).to_contain_text("Saved: left calf, severity 9")
        expect(page.locator("#screening-offer")).to_be_visible()
        page.wait_for_function("document.activeElement?.classList.contains('flash-box')")
        assert _outside(page, ["#flash .flash-box > p", "#screening-offer"]) == []
        tab.assert_clean()
    finally:
        tab.close()


# -- a page that is not a secure context ---------------------------------------------------
def test_a_page_that_is_not_secure_says_why_and_how_to_fix_it(insecure_site: Site) -> None:
    tab = insecure_site.open(viewport=PHONES["390x844"], touch=True)
    tab.allow(r"Cross-Origin-Opener-Policy header has been ignored")  # plain http: expected
    page = tab.page
    try:
        _log_in(tab, insecure_site.url)
        assert page.evaluate("window.isSecureContext") is False
        install = page.locator("#install-note")
        expect(install).to_have_text(
            "Installing needs a secure (https) page: start crampcoach with "
            f"{FIX} and open the https address."
        )
        expect(install.locator("code")).to_have_text(FIX)

        page.goto(f"{insecure_site.url}play/bedtime?leg=right")
        camera = page.locator("#camera-status")
        expect(camera).to_have_text(
            f"The camera needs a secure (https) page: start crampcoach with {FIX} "
            "and open the https address."
        )
        expect(page.locator("#camera-toggle")).to_be_disabled()
        expect(page.locator("#camera")).to_have_attribute("data-missing", "insecure")
        wake = page.locator("#wake")
        expect(wake).to_have_text(
            "The screen may sleep: keeping it awake needs a secure (https) page; start "
            f"crampcoach with {FIX} and open the https address."
        )
        expect(page.locator("#player")).to_have_attribute("data-wake", "insecure")
        # Said during the routine too, each in view, and the routine plays.
        _start(page, insecure_site, speed=1)
        expect(wake).to_contain_text(FIX)
        expect(camera).to_contain_text(FIX)
        for size in ("360x640", "844x390"):
            page.set_viewport_size(PHONES[size])
            assert _outside(page, [*STEP, "#wake", "#camera-status"]) == [], size
            assert _overlapping(page, [*BLOCKS, "#camera-status"]) == [], size
            assert _scrolls(page) <= 0, size
            shoot(page, "player-not-secure-phone", size, full_page=False)
        tab.assert_clean()
    finally:
        tab.close()


MISSING_APIS = """
delete Navigator.prototype.wakeLock;
Object.defineProperty(Navigator.prototype, "mediaDevices", { get: () => undefined });
"""


def test_a_browser_without_the_apis_says_it_cannot(site: Site) -> None:
    tab = site.open(viewport=PHONES["390x844"])
    page = tab.page
    try:
        page.context.add_init_script(MISSING_APIS)
        page.goto(f"{site.url}play/bedtime?leg=right")
        assert page.evaluate("window.isSecureContext")
        expect(page.locator("#camera-status")).to_have_text(
            "This browser cannot share a camera with a web page."
        )
        expect(page.locator("#camera-toggle")).to_be_disabled()
        expect(page.locator("#wake")).to_have_text(
            "This browser cannot keep the screen awake: make the screen timeout longer."
        )
        expect(page.locator("#player")).to_have_attribute("data-wake", "unsupported")
        tab.assert_clean()
    finally:
        tab.close()


# -- install to the home screen ------------------------------------------------------------
# The browser's own install offer cannot be made to appear in a headless browser; this is
# the event it sends (a prompt and the person's choice).
OFFER_INSTALL = """() => {
  const offer = new Event("beforeinstallprompt", { cancelable: true });
  window.installPrompted = 0;
  offer.prompt = () => { window.installPrompted += 1; return Promise.resolve(); };
  offer.userChoice = Promise.resolve({ outcome: "accepted", platform: "web" });
  window.dispatchEvent(offer);
  return offer.defaultPrevented;
}"""


def test_today_offers_to_install_when_the_browser_can(site: Site) -> None:
    tab = site.open(viewport=PHONES["390x844"], touch=True)
    page = tab.page
    try:
        page.goto(site.url)
        expect(page.locator("#install")).to_be_hidden()  # nothing to say until offered
        assert page.evaluate(OFFER_INSTALL) is True  # the browser's own bar is not shown
        button = page.locator("#install-button")
        expect(button).to_be_visible()
        expect(page.locator("#install-note")).to_contain_text("home screen")
        button.tap()
        expect(button).to_be_hidden()
        assert page.evaluate("window.installPrompted") == 1
        tab.assert_clean()
    finally:
        tab.close()


IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def test_on_an_iphone_today_says_how_to_add_it_to_the_home_screen(site: Site) -> None:
    tab = site.open(viewport=PHONES["390x844"], touch=True, user_agent=IPHONE)
    try:
        tab.page.goto(site.url)
        expect(tab.page.locator("#install-note")).to_have_text(
            "To install on an iPhone or iPad: tap Share, then Add to Home Screen."
        )
        expect(tab.page.locator("#install-button")).to_be_hidden()
        tab.assert_clean()
    finally:
        tab.close()


# -- accessibility: axe-core -------------------------------------------------------------
def _axe_problems(page: Page, where: str, requests: list[str], origin: str) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    before = len(requests)
    results = Axe().run(page, options={"resultTypes": ["violations", "passes"]}).response
    assert results["passes"], f"axe checked nothing on {where}"
    strangers = [url for url in requests[before:] if not url.startswith(origin)]
    assert strangers == [], f"axe made requests on {where}"
    return [
        f"{where}: {v['id']} ({v['impact']}) at {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_axe_finds_no_serious_violation_on_any_page(
    site: Site, guarded: Server, browser: Browser, size: str
) -> None:
    tab = site.open(size=size, touch=size == "phone")
    page = tab.page
    tab.allow(r"status of 404")  # the error page
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    problems: list[str] = []
    try:
        for name, path in PAGES.items():
            page.goto(f"{site.url}{path}")
            problems += _axe_problems(page, name, requests, site.url)
        _start(page, site, speed=1)
        expect(page.locator("#figure")).to_have_text("1/10")
        problems += _axe_problems(page, "player mid-routine", requests, site.url)
        page.locator("#pause").click()
        problems += _axe_problems(page, "player paused", requests, site.url)
        page.locator("#stop").click()
        expect(page.locator("#player")).to_have_attribute("data-status", "saved")
        problems += _axe_problems(page, "player summary", requests, site.url)
        tab.assert_clean()
    finally:
        tab.close()
    login = open_tab(browser, size=size)
    login.page.on("request", lambda request: requests.append(request.url))
    try:
        login.page.goto(f"{guarded.url}login")
        problems += _axe_problems(login.page, "login", requests, guarded.url)
    finally:
        login.close()
    assert problems == []


# -- what a screen reader hears ------------------------------------------------------------
# Records every change of a live region's text (aria-live, or a status/alert role) once
# the page is parsed, as (region id, text): one entry per region per change, as a screen
# reader would announce it.
RECORD_ANNOUNCEMENTS = """
window.announced = [];
const LIVE = '[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"], [role="log"]';
const listen = () => new MutationObserver((mutations) => {
  const changed = new Set();
  for (const m of mutations) {
    const node = m.target.nodeType === Node.ELEMENT_NODE ? m.target : m.target.parentElement;
    const region = node && node.closest(LIVE);
    if (region) changed.add(region);
  }
  for (const region of changed) {
    window.announced.push([region.id, region.textContent.trim()]);
  }
}).observe(document.body, { subtree: true, childList: true, characterData: true });
document.addEventListener("DOMContentLoaded", listen);  // the page as parsed is not news
"""


def test_each_count_is_announced_once(site: Site) -> None:
    tab = site.open(viewport=PHONES["390x844"])
    page = tab.page
    try:
        page.context.add_init_script(RECORD_ANNOUNCEMENTS)
        # The first step: ten circles, 30 s at 6x; then Stop.
        _start(page, site, speed=6)
        expect(page.locator("#player")).to_have_attribute("data-step", "1", timeout=15_000)
        page.locator("#stop").click()
        expect(page.locator("#player")).to_have_attribute("data-status", "saved")
        announced: list[list[str]] = page.evaluate("window.announced")
        counts = Counter(
            (region, int(number))
            for region, text in announced
            for number in re.findall(r"Circle (\d+) of 10, clockwise", text)
        )
        assert counts == Counter(("count", n) for n in range(1, 11)), announced[:12]
        # No other live region says a count as well (the cue only shows it).
        others = [(r, text) for r, text in announced if r != "count" and re.search(r"\d", text)]
        assert others == []
        tab.assert_clean()
    finally:
        tab.close()
