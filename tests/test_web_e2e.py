"""End to end in a real browser: Debian's chromium driven by Playwright against the real
`crampcoach serve` in a subprocess (SQLite in a temporary data directory).

Routines run at accelerated speed (`?speed=F`). Screenshots of Today, the Player (night
theme) and the Diary at phone and desktop sizes go to artifacts/screenshots/. Skipped
when /usr/bin/chromium or Playwright is missing, except under CI (`CI` set): a failure.
Never downloads a browser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from browser import SIZES, ZONE, Tab, open_tab, require_browser, shoot

require_browser()

from playwright.sync_api import Browser, Page, expect  # noqa: E402

from crampcoach.export.diary_json import write_json  # noqa: E402
from crampcoach.fixtures.diary import generate_history  # noqa: E402
from web_server import Server, crampcoach, free_port, running_server, server_env  # noqa: E402

HISTORY_NIGHTS = 21


# -- the server and the browser --------------------------------------------------------
@pytest.fixture(scope="session")
def history_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few weeks of generated diary ending two nights ago (so nothing is in the future)."""
    end = datetime.now(ZoneInfo(ZONE)).date() - timedelta(days=2)
    path = tmp_path_factory.mktemp("history") / "history.json"
    path.write_text(write_json(generate_history(nights=HISTORY_NIGHTS, end=end)), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, history_file: Path) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("e2e") / "data"
    imported = crampcoach("import", str(history_file), env=server_env(data_dir))
    assert imported.returncode == 0, imported.stderr
    with running_server(data_dir) as running:
        yield running


@pytest.fixture
def tab(browser: Browser) -> Iterator[Tab]:
    opened = open_tab(browser)
    yield opened
    opened.page.context.close()


@pytest.fixture
def touch_tab(browser: Browser) -> Iterator[Tab]:
    opened = open_tab(browser, size="phone", touch=True)
    yield opened
    opened.page.context.close()


def test_the_browser_reports_csp_violations_and_errors(server: Server, tab: Tab) -> None:
    """The detectors the other tests rely on: an inline style is refused by the CSP."""
    tab.page.goto(server.url)
    tab.page.evaluate(
        """() => {
          const style = document.createElement("style");
          style.textContent = "body { outline: 1px solid red; }";
          document.head.append(style);
        }"""
    )
    tab.page.wait_for_timeout(200)
    problems = tab.problems()
    assert any(p.startswith("CSP violation: style-src") for p in problems), problems
    tab.errors.clear()


def _api(server: Server, path: str, **params: Any) -> Any:
    answer = httpx.get(f"{server.url}{path.lstrip('/')}", params=params, timeout=10)
    answer.raise_for_status()
    return answer.json()


def _newest_session(server: Server) -> dict[str, Any]:
    return _api(server, "/api/sessions", limit=1)[0]


def _start(page: Page, server: Server, routine: str, **query: Any) -> None:
    params = "&".join(f"{k}={v}" for k, v in query.items())
    page.goto(f"{server.url}play/{routine}?{params}")
    expect(page.locator("#player")).to_have_attribute("data-status", "ready")
    page.locator("#start").click()
    expect(page.locator("#player")).to_have_attribute("data-status", re.compile("running|saved"))


def _status(page: Page) -> str:
    return page.locator("#player").get_attribute("data-status") or ""


# -- the player ------------------------------------------------------------------------
def test_the_bedtime_routine_completes_and_is_saved(server: Server, tab: Tab) -> None:
    page = tab.page
    before = datetime.now(UTC) - timedelta(seconds=5)
    _start(page, server, "bedtime", speed=60, leg="right")
    expect(page.locator("body")).to_have_class(re.compile(r"\bnight\b"))
    # 269 s of routine at 60x: about 4.5 s.
    expect(page.locator("#player")).to_have_attribute("data-status", "saved", timeout=30_000)
    expect(page.locator("#summary")).to_be_visible()
    expect(page.locator("#verdict")).to_have_text(
        re.compile(r"^Routine done in .*all of the planned work")
    )
    rows = page.locator("#summary-rows tr")
    expect(rows).to_have_count(5)
    statuses = [rows.nth(i).locator("td").last.inner_text() for i in range(5)]
    assert statuses == ["done"] * 5
    expect(page.locator("#save-status")).to_have_text("Saved to your diary.")

    saved = _newest_session(server)
    assert saved["routine_name"] == "bedtime"
    assert saved["completed"] is True
    assert datetime.fromisoformat(saved["started_at"]) >= before
    done = {
        (s["exercise_id"], s["label"]): s["done"] for s in saved["steps"] if s["kind"] != "rest"
    }
    assert done == {
        ("ankle-circles", "Clockwise circles"): 10,
        ("ankle-circles", "Counterclockwise circles"): 10,
        ("toe-points", "Toe points"): 10,
        ("toe-writing", "The alphabet, A to Z"): 26,
        ("childs-pose", "Hold and breathe"): 45,
    }
    assert all(s["leg"] == "right" for s in saved["steps"] if s["kind"] in ("reps", "letters"))
    tab.assert_clean()


def test_pause_skip_back_and_stop_by_keyboard_and_touch(server: Server, touch_tab: Tab) -> None:
    page = touch_tab.page
    player = page.locator("#player")
    title = page.locator("#step-title")
    figure = page.locator("#figure")
    # Each 30 s step of circles lasts 7.5 s at 4x: time enough to act inside it.
    _start(page, server, "bedtime", speed=4, leg="left")
    expect(title).to_have_text("Clockwise circles (left leg)")

    # Keyboard: Space pauses (the handler on the page, nothing focused) ...
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Space")
    expect(player).to_have_attribute("data-status", "paused")
    expect(page.locator("#paused")).to_be_visible()
    expect(page.locator("#pause")).to_have_text("Resume")
    shown = figure.inner_text()
    ring = page.locator("#ring").get_attribute("style")
    page.wait_for_timeout(500)
    assert figure.inner_text() == shown, "the count moved while paused"
    assert page.locator("#ring").get_attribute("style") == ring
    page.keyboard.press("Space")
    expect(player).to_have_attribute("data-status", "running")
    expect(page.locator("#paused")).to_be_hidden()

    # ... and a tap on Pause does the same.
    page.locator("#pause").tap()
    expect(player).to_have_attribute("data-status", "paused")
    page.locator("#pause").tap()
    expect(player).to_have_attribute("data-status", "running")

    # n skips to the counterclockwise circles; b goes back (within 2 s of the step).
    page.keyboard.press("n")
    expect(title).to_have_text("Counterclockwise circles (left leg)")
    expect(player).to_have_attribute("data-step", "1")
    page.keyboard.press("b")
    expect(title).to_have_text("Clockwise circles (left leg)")
    expect(player).to_have_attribute("data-step", "0")

    # Touch: Next and Back buttons.
    page.locator("#skip").tap()
    expect(title).to_have_text("Counterclockwise circles (left leg)")
    page.locator("#back").tap()
    expect(player).to_have_attribute("data-step", "0")
    page.locator("#skip").tap()
    expect(player).to_have_attribute("data-step", "1")

    # Escape ends early; what was done so far is saved, marked not completed.
    page.keyboard.press("Escape")
    expect(player).to_have_attribute("data-status", "saved", timeout=15_000)
    expect(page.locator("#verdict")).to_have_text(
        re.compile(r"^Not counted as a routine night: .+ \(it needs 80% of the planned work\)\.")
    )
    rows = page.locator("#summary-rows tr")
    expect(rows).to_have_count(5)
    assert rows.nth(4).locator("td").last.inner_text() == "not reached"

    saved = _newest_session(server)
    assert saved["routine_name"] == "bedtime"
    assert saved["leg"] == "left"
    assert saved["completed"] is False
    by_index = {s["index"]: s for s in saved["steps"]}
    # Left before 10 circles: partly done or skipped, depending on how fast the keys came.
    assert by_index[0]["status"] in ("partial", "skipped")
    assert by_index[1]["status"] in ("partial", "skipped")
    assert all(by_index[i]["status"] == "not reached" for i in range(2, 8))
    touch_tab.assert_clean()


def test_cramp_now_waits_for_the_person_then_goes_on(server: Server, tab: Tab) -> None:
    page = tab.page
    player = page.locator("#player")
    _start(page, server, "cramp-now", speed=60, leg="right")
    expect(player).to_have_attribute("data-kind", "confirm")
    confirm = page.locator("#confirm")
    expect(confirm).to_be_visible()
    # Its planned 60 s pass in a second; it must still wait, and say so by pulsing.
    page.wait_for_timeout(1_500)
    assert _status(page) == "running"
    expect(player).to_have_attribute("data-step", "0")
    expect(confirm).to_have_class(re.compile(r"\bpulse\b"))
    confirm.click()
    expect(player).not_to_have_attribute("data-step", "0")
    # Warmth for soreness, then when to get help: each waits for the person too.
    for _ in range(2):
        expect(player).to_have_attribute("data-kind", "confirm", timeout=30_000)
        expect(confirm).to_be_visible()
        step = player.get_attribute("data-step") or ""
        confirm.click()
        page.wait_for_function(  # on to the next step, or the end
            "s => { const p = document.getElementById('player');"
            " return p.dataset.step !== s || p.dataset.status !== 'running'; }",
            arg=step,
        )
    expect(player).to_have_attribute("data-status", "saved", timeout=30_000)
    expect(page.locator("#verdict")).to_have_text(re.compile(r"^Done in "))

    saved = _newest_session(server)
    assert saved["routine_name"] == "cramp-now"
    assert saved["completed"] is True
    assert saved["steps"][0]["kind"] == "confirm" and saved["steps"][0]["status"] == "done"
    tab.assert_clean()


# -- the diary ------------------------------------------------------------------------
def _recent_ids(server: Server) -> set[str]:
    since = (date.today() - timedelta(days=3)).isoformat()
    return {e["id"] for e in _api(server, "/api/episodes", **{"from": since, "limit": 1000})}


def _fill_cramp(page: Page, *, at: str, severity: str) -> None:
    form = page.locator("form#log-form")
    form.locator('input[name="at"]').fill(at)
    form.locator('input[name="leg"][value="right"]').check()
    form.locator('input[name="place"][value="calf"]').check()
    form.locator('input[name="severity"]').fill(severity)
    form.locator('input[name="minutes"]').fill("3")
    form.locator('input[name="helped"][value="stretching"]').check()
    form.locator('input[name="woke"]').check()
    form.locator('[name="tags"]').fill("e2e, cold room")
    form.locator('[name="notes"]').fill("logged by the browser test")


def test_log_edit_delete_and_undo_a_cramp(server: Server, tab: Tab) -> None:
    page = tab.page
    tab.allow(r"status of 422")  # the refused severity comes back as the form, 422
    page.on("dialog", lambda dialog: dialog.accept())  # should the delete ask first
    at = (datetime.now(ZoneInfo(ZONE)) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    page.goto(f"{server.url}diary")
    expect(page.locator("form#log-form")).to_be_visible()
    before = _recent_ids(server)

    # Severity 11 is refused by field, with the typed values kept, and nothing written.
    _fill_cramp(page, at=at, severity="11")
    page.locator("#log-submit").click()
    severity = page.locator('form#log-form input[name="severity"]')
    expect(page.locator("form#log-form .field-error").first).to_be_visible()
    expect(severity).to_have_attribute("aria-invalid", "true")
    expect(severity).to_have_value("11")
    assert _recent_ids(server) == before

    # A valid one is logged and listed.
    severity.fill("7")
    page.locator("#log-submit").click()
    expect(page.locator("#flash")).to_be_visible()
    added = _recent_ids(server) - before
    assert len(added) == 1
    (episode_id,) = added
    logged = _api(server, f"/api/episodes/{episode_id}")
    assert (logged["leg"], logged["place"], logged["severity"]) == ("right", "calf", 7)
    assert logged["minutes"] == 3 and logged["woke"] is True
    assert logged["helped"] == ["stretching"]
    assert sorted(logged["tags"]) == ["cold room", "e2e"]
    assert logged["notes"] == "logged by the browser test"
    row = page.locator(f'#nights tr[data-episode-id="{episode_id}"]')
    expect(row).to_be_visible()

    # Edit its severity.
    row.locator("a.edit-link").click()
    expect(page).to_have_url(re.compile(rf"/diary/{episode_id}/edit"))
    page.locator('input[name="severity"]').fill("4")
    page.locator("#save-edit").click()
    expect(page.locator(f'#nights tr[data-episode-id="{episode_id}"]')).to_be_visible()
    assert _api(server, f"/api/episodes/{episode_id}")["severity"] == 4

    # Delete, then undo.
    page.locator(f'#nights tr[data-episode-id="{episode_id}"] button.delete-button').click()
    expect(page.locator(f'#nights tr[data-episode-id="{episode_id}"]')).to_have_count(0)
    undo = page.locator("#flash #undo-button")
    expect(undo).to_be_visible()
    assert episode_id not in _recent_ids(server)
    undo.click()
    expect(page.locator(f'#nights tr[data-episode-id="{episode_id}"]')).to_be_visible()
    back = _api(server, f"/api/episodes/{episode_id}")
    assert back["severity"] == 4 and back["deleted_at"] is None
    tab.assert_clean()


# -- security: off loopback only with a password ---------------------------------------
def test_a_network_address_without_password_refuses_to_start(tmp_path: Path) -> None:
    port = free_port("")
    result = crampcoach(
        "serve", "--host", "0.0.0.0", "--port", str(port), env=server_env(tmp_path / "data")
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("crampcoach: error: refusing to serve on 0.0.0.0")
    assert "CRAMPCOACH_PASSWORD" in lines[0]
    assert "running at" not in result.stdout


def test_with_a_password_the_app_asks_for_it(browser: Browser, tmp_path: Path) -> None:
    password = "night-owl-4711"
    # Binds every address, but this test only ever connects to 127.0.0.1.
    with running_server(tmp_path / "data", host="0.0.0.0", password=password) as guarded:
        assert httpx.get(f"{guarded.url}api/sessions", timeout=5).status_code == 401
        tab = open_tab(browser)
        tab.allow(r"status of 401")  # the refused login answers 401
        page = tab.page
        try:
            page.goto(f"{guarded.url}play/bedtime")
            expect(page).to_have_url(re.compile(r"/login\?next=/play/bedtime$"))
            page.locator("#password").fill("not-the-password")
            page.locator("form button[type=submit]").click()
            expect(page.locator("#password-error")).to_have_text("That password is not right.")
            expect(page.locator("#password")).to_have_attribute("aria-invalid", "true")
            page.locator("#password").fill(password)
            page.locator("form button[type=submit]").click()
            expect(page).to_have_url(re.compile(r"/play/bedtime$"))
            expect(page.locator("#start")).to_be_visible()
            page.goto(guarded.url)
            expect(page.locator(".actions .cramp-now")).to_be_visible()
            answer = page.request.get(f"{guarded.url}api/sessions")
            assert answer.status == 200
            tab.assert_clean()
        finally:
            page.context.close()


# -- screenshots for a person to look at -----------------------------------------------
@pytest.mark.parametrize("size", list(SIZES))
def test_screenshots_of_today_player_and_diary(server: Server, browser: Browser, size: str) -> None:
    tab = open_tab(browser, size=size)
    page = tab.page
    try:
        page.goto(server.url)
        expect(page.locator("ol.nights li")).not_to_have_count(0)
        assert shoot(page, "today", size).stat().st_size > 0

        _start(page, server, "bedtime", speed=1, leg="right")
        expect(page.locator("body")).to_have_class(re.compile(r"\bnight\b"))
        expect(page.locator("#figure")).to_have_text("2/10", timeout=10_000)
        expect(page.locator("#cue")).not_to_be_empty()
        assert shoot(page, "player", size, full_page=False).stat().st_size > 0
        page.keyboard.press("Escape")
        expect(page.locator("#player")).to_have_attribute("data-status", "saved")

        since = (date.today() - timedelta(days=HISTORY_NIGHTS + 3)).isoformat()
        page.goto(f"{server.url}diary?from={since}")
        expect(page.locator("#nights [data-episode-id]").first).to_be_visible()
        assert shoot(page, "diary", size).stat().st_size > 0

        page.goto(f"{server.url}settings")
        expect(page.locator("#default_leg, [name=default_leg]").first).to_be_visible()
        assert shoot(page, "settings", size).stat().st_size > 0
        tab.assert_clean()
    finally:
        page.context.close()


def test_the_api_docs_render_from_local_files(server: Server, tab: Tab) -> None:
    """Swagger UI comes from the installed swagger-ui-bundle and runs under the app's CSP:
    the operations appear, nothing is blocked, nothing is fetched from another origin."""
    requested: list[str] = []
    tab.page.on("request", lambda request: requested.append(request.url))
    tab.page.goto(f"{server.url}api/docs")
    operations = tab.page.locator(".opblock")
    expect(operations.first).to_be_visible(timeout=15_000)
    assert operations.count() >= 10
    expect(
        tab.page.locator(".opblock-summary-path", has_text="/api/episodes").first
    ).to_be_visible()
    assert tab.problems() == []
    assert all(url.startswith(server.url) for url in requested), requested
    assert f"{server.url}api/docs/assets/swagger-ui-bundle.js" in requested
