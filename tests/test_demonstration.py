""" "Show me how": the demonstrations the player plays (services/demonstration.py), the API
that serves them and the player's button, canvas and close-up in a real browser.

The demonstrations must show the real movement, so the package's own analysers count
them: the circles in the step's direction, the toe points, the letters, the hold.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from browser import PHONES, SCREENSHOTS, open_tab, require_browser, shoot
from crampcoach.motion.registry import analyse
from crampcoach.services.demonstration import (
    DIGITS,
    EXERCISES,
    FPS,
    Demonstration,
    DemonstrationError,
    demonstration,
    looped,
)
from crampcoach.settings import Settings
from crampcoach.web.app import create_app
from web_client import local_client
from web_server import running_server

LEGS = ("left", "right")
DIRECTIONS = ("clockwise", "counterclockwise")
OTHER = {"clockwise": "counterclockwise", "counterclockwise": "clockwise"}
DEMO_JS = Path(__file__).resolve().parents[1] / "src/crampcoach/web/static/demo.js"


def _shoelace(xy: np.ndarray) -> float:
    """Twice the signed area; in image coordinates (y down) > 0 is clockwise on screen."""
    x, y = xy[:, 0], xy[:, 1]
    return float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


# -- the service: what the analysers see in each demonstration --------------------------
@pytest.mark.parametrize("leg", LEGS)
@pytest.mark.parametrize("direction", DIRECTIONS)
def test_ankle_circles_are_counted_in_the_steps_direction(leg: str, direction: str) -> None:
    demo = demonstration("ankle-circles", leg, direction)  # type: ignore[arg-type]
    result = analyse(demo.track(), "ankle-circles").result  # the foot found by itself
    assert result["side"] == leg
    assert result["circles"] == {direction: 3, OTHER[direction]: 0}
    assert demo.view == "front"
    assert result["view"]["side"] == 0


@pytest.mark.parametrize("leg", LEGS)
@pytest.mark.parametrize("direction", DIRECTIONS)
def test_shown_mirrored_the_toes_turn_the_persons_way_on_screen(leg: str, direction: str) -> None:
    """ARCHITECTURE.md: the person's clockwise is counterclockwise in the raw image; the
    player shows the demonstration mirrored (like its camera preview), so the person sees
    the toes turn clockwise for a clockwise step."""
    demo = demonstration("ankle-circles", leg, direction)  # type: ignore[arg-type]
    assert demo.trail is not None
    (
        start,
        end,
    ) = demo.trail.spans[0]
    toe = demo.frames[start:end, demo.trail.landmark].astype(float)
    raw = _shoelace(toe)
    shown = _shoelace(np.column_stack([1 - toe[:, 0], toe[:, 1]]))
    assert shown == pytest.approx(-raw)
    assert (shown > 0) == (direction == "clockwise")
    # ... and it is the step's foot that turns, on the person's side of the picture.
    toe_x = float(np.median(toe[:, 0]))
    assert (toe_x > 0.5) == (leg == "left")  # raw image: the person's left is on the right


@pytest.mark.parametrize("leg", LEGS)
def test_toe_points_are_counted_from_the_side(leg: str) -> None:
    demo = demonstration("toe-points", leg)  # type: ignore[arg-type]
    result = analyse(demo.track(), "toe-points").result
    assert result["side"] == leg
    assert result["reps"] == 3
    assert result["range_of_motion_deg"]["plantarflexion"] > 20
    assert result["range_of_motion_deg"]["dorsiflexion"] > 10
    assert demo.view == "side" and result["view"]["front"] == 0
    assert [x.text for x in demo.labels] == ["Point", "Flex"] * 3


@pytest.mark.parametrize("leg", LEGS)
def test_toe_writing_writes_three_letters(leg: str) -> None:
    demo = demonstration("toe-writing", leg)  # type: ignore[arg-type]
    assert [x.text for x in demo.labels] == ["A", "B", "C"]
    prompts = [(x.text, x.start / demo.fps) for x in demo.labels]
    told = analyse(demo.track(), "toe-writing", prompts=prompts).result
    assert told["side"] == leg
    assert [x["letter"] for x in told["letters"]] == ["A", "B", "C"]
    assert all(x["duration_s"] > 1 for x in told["letters"])


def test_childs_pose_is_held_with_a_few_breaths() -> None:
    demo = demonstration("childs-pose")
    result = analyse(demo.track(), "childs-pose").result
    assert result["hold_s"] >= 11  # two breaths at ten a minute: 12 s
    assert len(result["holds"]) == 1
    assert demo.leg is None and demo.direction is None and demo.view == "side"
    breaths = [x.text for x in demo.labels]
    assert breaths.count("Breathe in") >= 2 and breaths.count("Breathe out") == 2


ALL = (
    [("ankle-circles", leg, direction) for leg in LEGS for direction in DIRECTIONS]
    + [(exercise, leg, None) for exercise in ("toe-points", "toe-writing") for leg in LEGS]
    + [("childs-pose", None, None)]
)


@pytest.mark.parametrize(("exercise", "leg", "direction"), ALL)
def test_a_demonstration_is_short_clean_and_loops(
    exercise: str, leg: str | None, direction: str | None
) -> None:
    demo = demonstration(exercise, leg, direction)  # type: ignore[arg-type]
    frames = demo.frames
    assert demo.fps == FPS
    assert frames.shape[1:] == (33, 2)
    assert 4 < demo.duration_s < 25
    assert np.isfinite(frames).all()  # no lost frames
    assert ((frames >= 0) & (frames <= 1)).all()
    assert np.array_equal(frames, np.round(frames, DIGITS))
    # No jitter: it starts standing (or kneeling) still.
    assert np.abs(np.diff(frames[:5], axis=0)).max() < 2e-3
    # The loop has no jump: from the last frame to the first is a step like any other.
    steps = np.abs(np.diff(frames, axis=0)).max(axis=(1, 2))
    assert np.abs(frames[0] - frames[-1]).max() <= max(2e-3, float(np.percentile(steps, 90)))
    assert demo.highlight and demo.stills and demo.caption and demo.description
    for still in demo.stills:
        assert 0 <= still.frame < len(frames)
        assert all(0 <= g < len(frames) for g in still.ghosts)
    if demo.trail is not None:
        assert all(0 <= a < b <= len(frames) for a, b in demo.trail.spans)


def test_a_loop_eases_its_end_into_its_start() -> None:
    """Whatever differs between the last frame and the first (a breath, a sway) is eased
    out over the last moments, so the jump back to the start is one small step."""
    frames = np.zeros((60, 33, 2))
    frames[:, :, 1] = np.linspace(0.5, 0.6, 60)[:, None]  # drifting down by 0.1
    eased = looped(frames)
    assert np.array_equal(eased[:40], frames[:40])  # the movement itself is untouched
    steps = np.abs(np.diff(np.concatenate([eased, eased[:1]]), axis=0)).max(axis=(1, 2))
    assert steps.max() < 0.02  # no frame jumps; without easing: 0.1 at the seam
    assert steps[-1] < 0.01


def test_demonstrations_are_made_once_and_the_same_every_time() -> None:
    first = demonstration("toe-points", "left")
    assert demonstration("toe-points", "left") is first
    with pytest.raises(ValueError, match="read-only"):
        first.frames[0, 0, 0] = 0.5
    # Defaults: the right leg, clockwise; child's pose has neither.
    assert demonstration("ankle-circles") is demonstration("ankle-circles", "right", "clockwise")
    assert demonstration("childs-pose", "left", "clockwise") is demonstration("childs-pose")
    assert demonstration("toe-points", "left", "clockwise").direction is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("jumping-jacks",), "no demonstration for 'jumping-jacks'"),
        (("toe-points", "both"), "leg must be left or right"),
        (("ankle-circles", "left", "sideways"), "direction must be"),
    ],
)
def test_what_cannot_be_shown_is_refused(args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(DemonstrationError, match=message):
        demonstration(*args)


def test_the_player_knows_the_same_exercises() -> None:
    listed = re.search(r"const EXERCISES = \[([^\]]*)\]", DEMO_JS.read_text(encoding="utf-8"))
    assert listed is not None
    assert tuple(re.findall(r'"([^"]+)"', listed.group(1))) == EXERCISES


# -- the API --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("demo-api"))
    with local_client(create_app(settings)) as c:
        yield c


URL = "/api/demonstration"


@pytest.mark.parametrize(("exercise", "leg", "direction"), ALL)
def test_the_api_serves_every_demonstration(
    client: Any, exercise: str, leg: str | None, direction: str | None
) -> None:
    query = {"exercise": exercise, "leg": leg, "direction": direction}
    response = client.get(URL, params={k: v for k, v in query.items() if v})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    demo: Demonstration = demonstration(exercise, leg, direction)  # type: ignore[arg-type]
    assert body["exercise"] == exercise and body["leg"] == demo.leg
    assert body["direction"] == demo.direction and body["view"] == demo.view
    assert body["fps"] == 20 and body["mirrored"] is True
    assert (body["width"], body["height"]) == demo.size
    assert len(body["frames"]) == len(demo.frames)
    for frame in body["frames"]:
        assert len(frame) == 33
        assert all(len(point) == 2 and all(0 <= v <= 1 for v in point) for point in frame)
    assert body["frames"][7] == demo.frames[7].tolist()
    assert body["caption"] == demo.caption and body["description"] == demo.description


def test_the_api_response_is_kept_by_caches(client: Any) -> None:
    params = {"exercise": "ankle-circles", "leg": "left", "direction": "counterclockwise"}
    packed = client.get(URL, params=params, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip"
    cache = packed.headers["cache-control"]
    assert re.fullmatch(r"private, max-age=\d+", cache), cache
    assert int(cache.split("=")[1]) >= 3600
    assert packed.headers["vary"] == "Accept-Encoding"
    plain = client.get(URL, params=params, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert len(plain.content) > 10 * int(packed.headers["content-length"])  # most stands still
    assert json.loads(gzip.decompress(_raw(client, params))) == plain.json()
    etag = plain.headers["etag"]
    assert packed.headers["etag"] == etag
    again = client.get(URL, params=params, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    other = client.get(URL, params={**params, "leg": "right"})
    assert other.headers["etag"] != etag


def _raw(client: Any, params: dict[str, str]) -> bytes:
    """The body as sent (httpx would decode it)."""
    with client.stream("GET", URL, params=params, headers={"Accept-Encoding": "gzip"}) as r:
        return b"".join(r.iter_raw())


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"exercise": "jumping-jacks"}, "exercise"),
        ({}, "exercise"),
        ({"exercise": "toe-points", "leg": "both"}, "leg"),
        ({"exercise": "ankle-circles", "direction": "sideways"}, "direction"),
    ],
)
def test_the_api_refuses_what_it_cannot_show(
    client: Any, params: dict[str, str], field: str
) -> None:
    response = client.get(URL, params=params)
    assert response.status_code == 422
    assert response.json()["message"].startswith(f"{field}: ")
    assert response.headers["cache-control"] == "no-store"


def test_the_api_is_in_the_openapi_schema(client: Any) -> None:
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"][URL]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"exercise", "leg", "direction"} <= names
    exercise = next(p for p in operation["parameters"] if p["name"] == "exercise")
    assert exercise["required"] is True
    model = schema["components"]["schemas"]["DemonstrationPublic"]
    assert {"fps", "view", "frames", "highlight", "stills"} <= set(model["properties"])


# -- in the browser -----------------------------------------------------------------------
pytest_plugins = ["browser"]  # the session's one Playwright and browser
PAINTED = "(sel) => Number(document.querySelector(sel)?.dataset.painted || 0)"
# Canvas pixels that are not transparent, and a fingerprint of what is drawn.
PIXELS = """(sel) => {
  const c = document.querySelector(sel);
  const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let inked = 0, sum = 0;
  for (let i = 3; i < data.length; i += 4) {
    if (data[i] > 0) { inked += 1; sum = (sum * 31 + i) % 1000000007; }
  }
  return { inked, sum, total: c.width * c.height };
}"""
AT_FRAME = """([sel, frame]) => {
  const shown = Number(document.querySelector(sel).dataset.frame);
  return shown >= frame && shown <= frame + 2;
}"""
# The on-screen path of the foot's tip (the trail landmark) over `ms` milliseconds.
TIPS = """([sel, ms]) => new Promise((done) => {
  const c = document.querySelector(sel), tips = [];
  const timer = setInterval(() => {
    if (c.dataset.tip) tips.push(c.dataset.tip.split(",").map(Number));
  }, 40);
  setTimeout(() => { clearInterval(timer); done(tips); }, ms);
})"""


@dataclass
class Site:
    """Where the app is, and how to open a tab on it (switching to the HTTPS harness of
    tests/https_browser.py changes only this fixture)."""

    url: str
    tab: Callable[..., Any]


@pytest.fixture(scope="module")
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    require_browser()  # a skip of the browser tests only (a failure under CI)
    browser = request.getfixturevalue("browser")
    with running_server(tmp_path_factory.mktemp("demo-e2e") / "data") as server:
        yield Site(server.url, lambda **options: open_tab(browser, **options))


def _drawn(page: Any, canvas: str) -> dict[str, int]:
    page.wait_for_function(f"{PAINTED}", arg=canvas)
    return page.evaluate(PIXELS, canvas)


def test_show_me_how_in_the_player(site: Site) -> None:
    from playwright.sync_api import expect

    tab = site.tab(viewport=PHONES["390x844"])
    page = tab.page
    page.goto(f"{site.url}play/bedtime?speed=0.1&leg=left")

    # The intro: a button per exercise opens its demonstration under it, and closes it.
    toggle = page.locator('button[data-exercise="toe-writing"]')
    expect(toggle).to_be_visible()
    expect(toggle).to_have_accessible_name("Show me how for Toe writing")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    intro = page.locator("#demo-intro")
    expect(intro).to_be_visible()
    expect(page.locator("li", has=toggle).locator("#demo-intro")).to_have_count(1)
    expect(intro).to_have_attribute("data-exercise", "toe-writing")
    canvas = intro.locator("canvas")
    expect(canvas).to_have_attribute("role", "img")
    expect(canvas).to_have_attribute("aria-label", re.compile(r"left foot write the letters A"))
    first = _drawn(page, "#demo-intro canvas")
    assert first["inked"] > 0.005 * first["total"], "a figure is drawn"
    page.wait_for_timeout(700)
    assert page.evaluate(PIXELS, "#demo-intro canvas")["sum"] != first["sum"], "it moves"
    # A picture of each, at a telling moment (a circle half drawn, the toes pointed, the
    # letter B written, the fold), in artifacts/screenshots/.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for exercise, moment in zip(EXERCISES, (0, 0, 1, 2), strict=True):
        page.locator(f'button[data-exercise="{exercise}"]').click()
        expect(intro).to_have_attribute("data-exercise", exercise)
        leg = None if exercise == "childs-pose" else "left"
        frame = demonstration(exercise, leg).stills[moment].frame  # type: ignore[arg-type]
        page.wait_for_function(AT_FRAME, arg=["#demo-intro canvas", frame], timeout=30_000)
        intro.screenshot(path=str(SCREENSHOTS / f"demo-{exercise}-390x844.png"))
    page.locator('button[data-exercise="childs-pose"]').click()
    expect(intro).to_be_hidden()
    expect(page.locator('button[data-exercise][aria-expanded="true"]')).to_have_count(0)

    # A step: the button follows the step; the demonstration opens inline, below the
    # step's words, with the controls still on screen.
    page.locator("#start").click()
    button = page.locator("#demo-toggle")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-controls", "demo")
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(button).to_have_text("Hide demonstration")
    stage = page.locator("#demo")
    expect(stage).to_be_visible()
    expect(stage.locator(".demo-caption")).to_have_text(
        re.compile(r"left foot's toes draw circles, clockwise as you see them")
    )
    before = _drawn(page, "#demo canvas")
    assert before["inked"] > 0.005 * before["total"]
    expect(page.locator("#pause")).to_be_in_viewport()
    expect(page.locator("#stop")).to_be_in_viewport()
    page.wait_for_timeout(1500)
    shoot_page(page, "demo-player")
    assert page.evaluate(PIXELS, "#demo canvas")["sum"] != before["sum"]
    # What the person sees: the toes turn clockwise on screen (y down: positive area).
    tips = np.array(page.evaluate(TIPS, ["#demo canvas", 9000]), dtype=float)
    assert len(tips) > 100
    assert _shoelace(tips) > 0, "the toes turn counterclockwise on screen"

    page.locator("#skip").click()  # the counterclockwise circles: the demonstration follows
    expect(stage.locator(".demo-caption")).to_have_text(re.compile(r"counterclockwise as you see"))
    expect(stage.locator("canvas")).to_have_attribute("aria-label", re.compile("counterclockwise"))
    tips = np.array(page.evaluate(TIPS, ["#demo canvas", 9000]), dtype=float)
    assert _shoelace(tips) < 0
    button.click()
    expect(stage).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_have_text("Show me how")
    tab.assert_clean()
    tab.close()


def shoot_page(page: Any, name: str) -> None:
    shoot(page, name, "390x844", full_page=False)


def test_with_reduced_motion_it_shows_still_pictures(site: Site) -> None:
    from playwright.sync_api import expect

    tab = site.tab(viewport=PHONES["390x844"], reduced_motion="reduce")
    page = tab.page
    page.goto(f"{site.url}play/bedtime?speed=0.1&leg=right")
    page.locator('button[data-exercise="toe-points"]').click()
    box = page.locator("#demo-intro")
    expect(box).to_have_attribute("data-exercise", "toe-points")
    _drawn(page, "#demo-intro canvas")
    play, more = box.locator(".demo-play"), box.locator(".demo-next")
    expect(play).to_have_text("Play")
    expect(more).to_be_visible()
    still = page.evaluate(PIXELS, "#demo-intro canvas")
    frame = box.locator("canvas").get_attribute("data-frame")
    page.wait_for_timeout(1200)
    assert page.evaluate(PIXELS, "#demo-intro canvas")["sum"] == still["sum"], "nothing moves"
    more.click()  # the next still picture
    expect(box.locator("canvas")).not_to_have_attribute("data-frame", frame)
    play.click()  # asked for: it plays
    expect(play).to_have_text("Pause")
    expect(more).to_be_hidden()
    shown = box.locator("canvas").get_attribute("data-frame")
    page.wait_for_timeout(800)
    assert box.locator("canvas").get_attribute("data-frame") != shown
    tab.assert_clean()
    tab.close()
