"""The live camera in a real browser: Debian's chromium with a fake camera fed from a y4m
file that this test makes (ffmpeg) from the real footage ../shared/data/real/video.avi,
against the real `crampcoach serve` in a subprocess, with its own empty TMPDIR.

Skipped with the reason when chromium or Playwright is missing (as tests/test_web_e2e.py),
or the footage, ffmpeg or the camera extra; under CI (`CI` set) each is a failure.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from browser import Tab, launch, open_tab, require_browser, shoot
from test_pose_real import DATA
from unavailable import unavailable

require_browser()

from playwright.sync_api import Browser, Page, Playwright, expect  # noqa: E402

from web_server import Server, running_server  # noqa: E402

FOOTAGE = DATA / "video.avi"
FAKE_CAMERA = ["--use-fake-device-for-media-stream"]
ACCEPT_CAMERA = ["--use-fake-ui-for-media-stream"]  # the permission prompt says yes
GOING_ON = "The routine goes on without it."
STATE = "#camera"
NO_MEDIAPIPE = 'raise ImportError("No module named \'mediapipe\'", name="mediapipe")\n'


# -- what the tests need -----------------------------------------------------------------
@pytest.fixture(scope="module")
def fake_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 640x360, 15 fps y4m of the real footage (about 21 MB), for the fake camera."""
    if not FOOTAGE.is_file():
        unavailable(f"real footage not found at {FOOTAGE.resolve()} (see shared/data/README.md)")
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        unavailable("ffmpeg is missing (apt install ffmpeg): it makes the fake camera's video")
    try:
        import mediapipe  # noqa: F401
    except ImportError as exc:
        unavailable(f"the camera extra is not installed ({exc}): pip install -e '.[camera]'")
    out = tmp_path_factory.mktemp("camera") / "footage.y4m"
    convert = ["-t", "6", "-vf", "scale=640:-2,fps=15", "-pix_fmt", "yuv420p"]
    made = subprocess.run(
        [ffmpeg, "-loglevel", "error", "-y", "-i", str(FOOTAGE), *convert, str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    return out


@pytest.fixture(scope="module")
def camera_browser(playwright: Playwright, fake_video: Path) -> Iterator[Browser]:
    """A browser whose camera plays the footage and whose permission prompt says yes."""
    browser = launch(
        playwright, *FAKE_CAMERA, *ACCEPT_CAMERA, f"--use-file-for-fake-video-capture={fake_video}"
    )
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def server_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("server-tmp")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, server_tmp: Path) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("camera-e2e") / "data"
    with running_server(data_dir, env={"TMPDIR": str(server_tmp)}) as running:
        yield running


@pytest.fixture
def tab(camera_browser: Browser) -> Iterator[Tab]:
    opened = open_tab(camera_browser)
    yield opened
    opened.page.context.close()


def _camera(page: Page) -> dict[str, Any]:
    return page.evaluate(
        """() => {
          const canvas = document.getElementById("camera-skeleton");
          const stats = document.getElementById("camera-stats").dataset;
          const pixels = canvas.width ? canvas.getContext("2d")
            .getImageData(0, 0, canvas.width, canvas.height).data : [];
          let painted = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted += 1;
          return { state: document.getElementById("camera").dataset.state,
                   landmarks: Number(canvas.dataset.landmarks), drawn: Number(canvas.dataset.drawn),
                   painted, analysed: Number(stats.analysed), sent: Number(stats.sent),
                   dropped: Number(stats.dropped) };
        }"""
    )


def _turn_on(page: Page) -> None:
    page.locator("#camera-toggle").click()
    expect(page.locator(STATE)).to_have_attribute("data-state", "on", timeout=30_000)
    expect(page.locator("#camera-toggle")).to_have_attribute("aria-pressed", "true")


def _newest_session(server: Server) -> dict[str, Any]:
    answer = httpx.get(f"{server.url}api/sessions", params={"limit": 1}, timeout=10)
    answer.raise_for_status()
    return answer.json()[0]


# -- the camera on ---------------------------------------------------------------------------
def test_the_camera_draws_the_skeleton_and_counts_beside_the_plan(
    server: Server, server_tmp: Path, tab: Tab
) -> None:
    page = tab.page
    page.goto(f"{server.url}play/bedtime?leg=right&speed=1")
    expect(page.locator(STATE)).to_have_attribute("data-state", "off")  # off until asked
    expect(page.locator("#camera-panel")).to_be_hidden()
    _turn_on(page)
    # The server analyses frames and the page draws what it found over the preview.
    page.wait_for_function(
        """() => Number(document.getElementById("camera-skeleton").dataset.landmarks) >= 15
              && Number(document.getElementById("camera-stats").dataset.analysed) >= 20""",
        timeout=30_000,
    )
    seen = _camera(page)
    assert seen["landmarks"] >= 15 and seen["drawn"] >= 10
    assert seen["painted"] > 200, "the skeleton is drawn on the canvas"
    assert seen["analysed"] <= seen["sent"]
    expect(page.locator("#camera-placement")).to_contain_text("ankle circles")
    expect(page.locator("#camera-video")).to_have_class("mirrored")

    # The routine: the camera's count stands beside the planned one.
    page.locator("#start").click()
    expect(page.locator("#camera-count")).to_be_visible()
    expect(page.locator("#camera-count")).to_have_text(re.compile(r"^Camera: \d+/10$"))
    page.wait_for_timeout(2_500)
    shoot(page, "player-camera", "desktop", full_page=False)
    page.keyboard.press("Escape")
    expect(page.locator("#player")).to_have_attribute("data-status", "saved", timeout=15_000)
    camera_cell = page.locator("#summary-rows tr").first.locator("td.camera-cell")
    expect(camera_cell).to_contain_text("(seen ")
    expect(page.locator(STATE)).to_be_hidden()

    saved = _newest_session(server)
    steps = {s["index"]: s for s in saved["steps"]}
    assert steps[0]["camera_done"] is not None and steps[0]["camera_done"] >= 0
    assert 0 < steps[0]["camera_seen"] <= 1
    assert all(steps[i]["camera_done"] is None for i in range(1, 8))
    # Frames live in memory only: nothing in the server's TMPDIR or its data dir, and no
    # picture bytes in its log.
    assert list(server_tmp.iterdir()) == []
    kept = sorted(p.name for p in server.data_dir.iterdir())
    assert all(name.startswith(("crampcoach.db", "serve-")) for name in kept), kept
    log = server.log.read_bytes()
    assert b"\xff\xd8\xff" not in log and b"JFIF" not in log and b"CCF1" not in log
    tab.assert_clean()  # no CSP violation: connect-src 'self' lets the ws: through


def test_an_unplugged_camera_leaves_the_routine_running(
    server: Server, camera_browser: Browser
) -> None:
    tab = open_tab(camera_browser, size="phone", touch=True)
    page = tab.page
    page.goto(f"{server.url}play/bedtime?leg=left&speed=1")
    _turn_on(page)
    page.locator("#start").tap()
    page.wait_for_function(
        "() => Number(document.getElementById('camera-stats').dataset.analysed) >= 5"
    )
    page.locator("#camera-panel").scroll_into_view_if_needed()
    shoot(page, "player-camera", "phone", full_page=False)  # nothing scrolls sideways
    page.evaluate(
        """() => document.getElementById("camera-video").srcObject
                   .getVideoTracks()[0].dispatchEvent(new Event("ended"))"""
    )
    expect(page.locator(STATE)).to_have_attribute("data-state", "off")
    expect(page.locator("#camera-status")).to_have_text(
        f"The camera stopped (was it unplugged?). {GOING_ON}"
    )
    expect(page.locator("#camera-count")).to_be_hidden()
    assert page.locator("#player").get_attribute("data-status") == "running"
    page.locator("#stop").tap()
    expect(page.locator("#player")).to_have_attribute("data-status", "saved", timeout=15_000)
    tab.assert_clean()
    page.context.close()


@pytest.mark.parametrize(
    ("flags", "message"),
    [(FAKE_CAMERA, "Camera permission was denied."), ([], "No camera was found.")],
    ids=["permission denied", "no camera"],
)
def test_a_denied_or_missing_camera_is_said_and_the_routine_runs(
    server: Server, playwright: Playwright, flags: list[str], message: str
) -> None:
    browser = launch(playwright, *flags)  # no fake prompt: the permission is not given
    tab = open_tab(browser)
    page = tab.page
    try:
        page.goto(f"{server.url}play/bedtime?leg=left&speed=60")
        page.locator("#camera-toggle").click()
        expect(page.locator("#camera-status")).to_have_text(f"{message} {GOING_ON}")
        expect(page.locator(STATE)).to_have_attribute("data-state", "off")
        page.locator("#start").click()
        expect(page.locator("#player")).to_have_attribute("data-status", "saved", timeout=30_000)
        assert all(s["camera_done"] is None for s in _newest_session(server)["steps"])
        tab.assert_clean()
    finally:
        browser.close()


# -- the server side gone or without the camera extra -------------------------------------
def test_without_the_camera_extra_the_page_says_what_to_install(tmp_path: Path, tab: Tab) -> None:
    shim = tmp_path / "shim" / "mediapipe"  # `import mediapipe` fails in the server
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text(NO_MEDIAPIPE, encoding="utf-8")
    page = tab.page
    with running_server(tmp_path / "data", env={"PYTHONPATH": str(shim.parent)}) as bare:
        page.goto(f"{bare.url}play/bedtime?leg=left&speed=1")
        page.locator("#camera-toggle").click()
        status = page.locator("#camera-status")
        expect(status).to_contain_text("pip install", timeout=30_000)
        expect(status).to_contain_text("[camera]")
        expect(status).to_contain_text(GOING_ON)
        expect(page.locator(STATE)).to_have_attribute("data-state", "off")
        page.locator("#start").click()
        expect(page.locator("#player")).to_have_attribute("data-status", "running")
    tab.assert_clean()


def test_a_lost_connection_is_said_and_the_routine_goes_on(tmp_path: Path, tab: Tab) -> None:
    page = tab.page
    tab.allow(r"WebSocket|ERR_CONNECTION_REFUSED")  # the server is gone on purpose
    with running_server(tmp_path / "data") as doomed:
        page.goto(f"{doomed.url}play/bedtime?leg=left&speed=1")
        _turn_on(page)
        page.locator("#start").click()
        page.wait_for_function(
            "() => Number(document.getElementById('camera-stats').dataset.analysed) >= 3"
        )
        doomed.process.terminate()
        expect(page.locator("#camera-status")).to_have_text(
            f"Lost the connection to the camera coach. {GOING_ON}", timeout=15_000
        )
        expect(page.locator(STATE)).to_have_attribute("data-state", "off")
        step = page.locator("#player").get_attribute("data-step")
        page.locator("#skip").click()  # the player itself carries on
        expect(page.locator("#player")).not_to_have_attribute("data-step", step or "0")
        assert page.locator("#player").get_attribute("data-status") == "running"
    tab.assert_clean()
