"""Issue 14, item 7: the live camera WebSocket (/api/live) hardened.

Sockets that keep silent are closed and free their place; every number in every message
is bounded and a message out of bounds is answered with an error while the socket goes
on; pose models and their threads are bounded by the number of cameras and reused, and
what one step keeps is bounded. Driven in-process through the real app, with the real
MediaPipe model where a model is needed.
"""

from __future__ import annotations

import json
import logging
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession

from crampcoach.fixtures.motion import generate
from crampcoach.pose.estimator import PoseEstimator
from crampcoach.pose.pool import PosePool
from crampcoach.services.live_coaching import LONG_STEP_HINT, LiveCoach
from crampcoach.services.routines import builtin_routine
from crampcoach.session.timeline import build_timeline
from crampcoach.settings import Settings
from crampcoach.web import create_app
from crampcoach.web import live_protocol as wire
from crampcoach.web.live_connection import BUSY, TIMED_OUT, LiveLimits
from test_pose_real import DATA
from unavailable import unavailable
from web_client import ORIGIN, local_client

LINES = list(generate("toe-points", seed=3).lines())
SEEN = next(line for line in LINES if json.loads(line)["image"] is not None)


def make_client(tmp_path: Path, limits: LiveLimits | None = None, **options: Any) -> TestClient:
    settings = Settings(data_dir=tmp_path / "data")
    return local_client(create_app(settings, live_limits=limits, **options))


def hello(**fields: Any) -> str:
    data = {"type": "hello", "routine": "bedtime", "leg": "left", "tempo_s": 3}
    data.update(fields)
    return json.dumps(data)


def landmarks(frame_id: int, line: str = LINES[0]) -> str:
    return json.dumps({**json.loads(line), "type": "landmarks", "id": frame_id})


@contextmanager
def live(client: TestClient, **fields: Any) -> Iterator[WebSocketTestSession]:
    fields.setdefault("frames", "landmarks")
    with client.websocket_connect("/api/live", headers=ORIGIN) as ws:
        ws.send_text(hello(**fields))
        assert ws.receive_json()["type"] == "ready"
        yield ws


def receive_within(ws: WebSocketTestSession, seconds: float) -> dict[str, Any]:
    """The next thing the server sent (an ASGI message); fails, not hangs, after `seconds`."""
    got: list[dict[str, Any]] = []
    waiting = threading.Thread(target=lambda: got.append(ws.receive()), daemon=True)
    waiting.start()
    waiting.join(seconds)
    assert got, f"the server sent nothing within {seconds} s"
    return got[0]


def closed_for_silence(ws: WebSocketTestSession, why: str, within_s: float = 3.0) -> None:
    """The socket says why it closes, then closes with 4408."""
    said = receive_within(ws, within_s)
    assert json.loads(said["text"]) == {"type": "unavailable", "message": why}
    closed = receive_within(ws, within_s)
    assert closed == {"type": "websocket.close", "code": TIMED_OUT, "reason": why}


def wait_until(check: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.01)


# -- silence -----------------------------------------------------------------------------
def test_item7_socket_without_hello_times_out_and_frees_its_slot(tmp_path: Path) -> None:
    limits = LiveLimits(hello_timeout_s=0.5)
    client = make_client(tmp_path, limits)
    state = client.app.state
    with ExitStack() as stack:
        silent = [
            stack.enter_context(client.websocket_connect("/api/live", headers=ORIGIN))
            for _ in range(limits.max_cameras)
        ]
        assert state.live_connections == limits.max_cameras  # every place is held
        with client.websocket_connect("/api/live", headers=ORIGIN) as turned_away:
            assert turned_away.receive_json() == {"type": "unavailable", "message": BUSY}
        for ws in silent:
            closed_for_silence(ws, "no valid hello within 0.5 s")
    wait_until(lambda: state.live_connections == 0)
    with live(client) as ws:  # the places are free again
        ws.send_text(landmarks(1))
        assert ws.receive_json()["type"] == "feedback"


def test_item7_bad_messages_do_not_extend_the_wait_for_hello(tmp_path: Path) -> None:
    client = make_client(tmp_path, LiveLimits(hello_timeout_s=0.6))
    with client.websocket_connect("/api/live", headers=ORIGIN) as ws:
        started = time.monotonic()
        for frame_id in range(12):  # 1.8 s of messages, each answered, none resets the clock
            ws.send_text(landmarks(frame_id))
            answer = json.loads(receive_within(ws, 3.0)["text"])
            if answer["type"] != "error":
                break
            assert answer["message"] == 'say "hello" first'
            time.sleep(0.15)
        took = time.monotonic() - started
        assert answer == {"type": "unavailable", "message": "no valid hello within 0.6 s"}
        assert 0.6 <= took < 1.4
        closed = receive_within(ws, 3.0)
        assert (closed["type"], closed["code"]) == ("websocket.close", TIMED_OUT)


def test_item7_a_socket_silent_after_hello_times_out(tmp_path: Path) -> None:
    client = make_client(tmp_path, LiveLimits(idle_timeout_s=0.4))
    with live(client) as ws:
        for frame_id, line in enumerate(LINES[:8]):  # 1.6 s in all, never 0.4 s silent
            ws.send_text(landmarks(frame_id, line))
            assert ws.receive_json()["type"] == "feedback"
            time.sleep(0.2)
        closed_for_silence(ws, "nothing arrived for 0.4 s")
    wait_until(lambda: client.app.state.live_connections == 0)


def test_item7_the_limits_have_sensible_defaults() -> None:
    limits = LiveLimits()
    assert (limits.hello_timeout_s, limits.idle_timeout_s, limits.max_cameras) == (10, 120, 4)


# -- numbers -----------------------------------------------------------------------------
HUGE_INT = "9" * 5000  # beyond Python's 4,300-digit int conversion limit


@pytest.mark.parametrize(
    "message",
    [
        '{"type": "step", "index": ' + HUGE_INT + "}",
        '{"type": "landmarks", "id": ' + HUGE_INT + ', "t": 1, "image": null}',
        '{"type": "stop", "n": ' + HUGE_INT + "}",
    ],
    ids=["step index", "frame id", "unknown field"],
)
def test_item7_huge_json_integer_is_refused_not_a_traceback(
    tmp_path: Path, message: str, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(tmp_path)
    with caplog.at_level(logging.WARNING), live(client) as ws:
        ws.send_text(message)
        assert ws.receive_json() == {
            "type": "error",
            "id": None,
            "message": "a number is too long (5000 characters; at most 32)",
        }
        ws.send_text(landmarks(7))
        after = ws.receive_json()
    assert (after["type"], after["id"], after["stats"]["errors"]) == ("feedback", 7, 1)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def put(template: dict[str, Any], path: tuple[str | int, ...], raw: str) -> str:
    """`template` as JSON with the value at `path` replaced by the raw JSON text `raw`."""
    data = json.loads(json.dumps(template))
    where: Any = data
    for key in path[:-1]:
        where = where[key]
    where[path[-1]] = "@BAD@"
    return json.dumps(data).replace('"@BAD@"', raw)


FRAME = {**json.loads(SEEN), "world": [[0.1, -0.2, 0.3]] * 33, "type": "landmarks", "id": 5}
STEP = {"type": "step", "index": 0}
HELLO = json.loads(hello(frames="landmarks"))
TOO_LONG = "a number is too long"
NAN, INF = "NaN is not a number", "Infinity is not a number"
OUT = "is out of range"
PIXELS = '"size" must be [width, height] in whole pixels, 1 to 4096'
IMAGE_RANGE = "landmarks: image: x, y and z must be within +-10"
WORLD_RANGE = "landmarks: world: x, y and z must be within +-10"
NUMBERS = "landmarks must be lists of numbers"
SECONDS = "the frame's time must be seconds from 0 to a week"
INDEX = 'step: "index" must be from -1 to 999'
INTEGER_INDEX = 'a step message needs an integer "index"'
FRAME_ID = 'a landmark frame needs an "id" from 0 to 4294967295'

# (message kind, the field's path, the bad value as raw JSON, what the error says)
BAD_NUMBERS: list[tuple[str, tuple[str | int, ...], str, str]] = [
    ("hello", ("protocol",), "true", "hello: protocol: Value error, this server speaks"),
    ("hello", ("protocol",), "1.0", "hello: protocol: Value error, this server speaks"),
    ("hello", ("protocol",), "2", "hello: protocol: Value error, this server speaks"),
    ("hello", ("protocol",), "1" + "0" * 40, TOO_LONG),
    ("hello", ("tempo_s",), "NaN", NAN),
    ("hello", ("tempo_s",), "Infinity", INF),
    ("hello", ("tempo_s",), "-Infinity", "-Infinity is not a number"),
    ("hello", ("tempo_s",), "1e999", "the number 1e999 " + OUT),
    ("hello", ("tempo_s",), "true", "hello: tempo_s: Input should be a valid number"),
    ("hello", ("tempo_s",), '"3"', "hello: tempo_s: Input should be a valid number"),
    ("hello", ("tempo_s",), "1e308", "hello: tempo_s: Input should be less than or equal to 30"),
    ("hello", ("tempo_s",), "0.1", "hello: tempo_s: Input should be greater than or equal to 0.5"),
    ("hello", ("tempo_s",), HUGE_INT, TOO_LONG),
    ("step", ("index",), "true", INTEGER_INDEX),
    ("step", ("index",), "1.0", INTEGER_INDEX),
    ("step", ("index",), "null", INTEGER_INDEX),
    ("step", ("index",), "NaN", NAN),
    ("step", ("index",), "1e999", OUT),
    ("step", ("index",), "1000", INDEX),
    ("step", ("index",), "-2", INDEX),
    ("step", ("index",), "-" + "9" * 30, INDEX),
    ("step", ("index",), HUGE_INT, TOO_LONG),
    ("step", ("extra",), "1", "step: unknown field 'extra'"),
    ("landmarks", ("id",), "true", FRAME_ID),
    ("landmarks", ("id",), "4294967296", FRAME_ID),
    ("landmarks", ("id",), "-1", FRAME_ID),
    ("landmarks", ("id",), "1.0", FRAME_ID),
    ("landmarks", ("id",), "Infinity", INF),
    ("landmarks", ("t",), "true", 'landmarks: "t" must be a number of seconds'),
    ("landmarks", ("t",), '"1"', 'landmarks: "t" must be a number of seconds'),
    ("landmarks", ("t",), "-0.5", SECONDS),
    ("landmarks", ("t",), "1e12", SECONDS),
    ("landmarks", ("t",), "NaN", NAN),
    ("landmarks", ("t",), "1e999", OUT),
    ("landmarks", ("t",), "0." + "1" * 40, TOO_LONG),
    ("landmarks", ("image", 3, 0), "true", NUMBERS),
    ("landmarks", ("image", 3, 0), "null", NUMBERS),
    ("landmarks", ("image", 3, 0), "NaN", NAN),
    ("landmarks", ("image", 3, 1), "-1e999", OUT),
    ("landmarks", ("image", 3, 1), "11", IMAGE_RANGE),
    ("landmarks", ("image", 3, 2), "-1e300", IMAGE_RANGE),
    ("landmarks", ("image", 3, 3), "1.5", "landmarks: image: visibility must be from 0 to 1"),
    ("landmarks", ("image", 3, 3), "-0.1", "landmarks: image: visibility must be from 0 to 1"),
    ("landmarks", ("world", 0, 0), "100", WORLD_RANGE),
    ("landmarks", ("world", 0, 2), "false", "landmarks: world: " + NUMBERS),
    ("landmarks", ("world", 0, 1), "Infinity", INF),
    ("landmarks", ("size", 0), "0", PIXELS),
    ("landmarks", ("size", 0), "640.5", PIXELS),
    ("landmarks", ("size", 0), "true", PIXELS),
    ("landmarks", ("size", 1), "4097", PIXELS),
    ("landmarks", ("size",), "[640]", PIXELS),
    ("landmarks", ("extra",), "1", "landmarks: unknown field 'extra'"),
]
TEMPLATES = {"hello": HELLO, "step": STEP, "landmarks": FRAME}


@pytest.fixture(scope="module")
def shared_client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return make_client(tmp_path_factory.mktemp("numbers"))


@pytest.mark.parametrize(
    ("kind", "path", "raw", "problem"),
    BAD_NUMBERS,
    ids=[f"{k}.{'.'.join(map(str, p))}={r[:12]}" for k, p, r, _ in BAD_NUMBERS],
)
def test_item7_every_number_is_bounded(
    shared_client: TestClient, kind: str, path: tuple[str | int, ...], raw: str, problem: str
) -> None:
    message = put(TEMPLATES[kind], path, raw)
    if kind == "hello":  # refused before the hello; a good one then works
        with shared_client.websocket_connect("/api/live", headers=ORIGIN) as ws:
            ws.send_text(message)
            answer = ws.receive_json()
            ws.send_text(hello(frames="landmarks"))
            assert ws.receive_json()["type"] == "ready"
    else:
        with live(shared_client) as ws:
            ws.send_text(message)
            answer = ws.receive_json()
            ws.send_text(landmarks(9))
            after = ws.receive_json()
            assert (after["type"], after["id"], after["stats"]["errors"]) == ("feedback", 9, 1)
    assert answer["type"] == "error" and problem in answer["message"], answer
    assert len(answer["message"]) < 120  # one line, never the value itself when huge


@pytest.mark.parametrize(
    ("t", "problem"),
    [(float("nan"), SECONDS), (float("inf"), SECONDS), (-1.0, SECONDS), (1e300, SECONDS)],
)
def test_item7_binary_frame_numbers_are_bounded(
    shared_client: TestClient, t: float, problem: str
) -> None:
    with live(shared_client) as ws:
        ws.send_bytes(wire.FRAME_MAGIC + struct.pack(">Id", 4294967295, t) + b"\xff\xd8\xff")
        assert ws.receive_json() == {"type": "error", "id": 4294967295, "message": problem}
        ws.send_text(landmarks(3))
        assert ws.receive_json()["type"] == "feedback"


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        ("[" * 5000 + "]" * 5000, "the message has too many lists and objects (5000)"),
        ('{"type": "stop", "x": ' + "[" * 101 + "]" * 101 + "}", "too many lists and objects"),
        ('{"type": "' + "x" * 10000 + '"}', "unknown message type 'xxxxxxxxxx"),
        ('{"type": "stop", "' + "y" * 10000 + '": 1}', "stop: unknown field 'yyyyyyy"),
        (hello(**{"z" * 10000: 1}), "hello: zzzzzzzz"),
    ],
    ids=["deep", "deep in a field", "long type", "long field name", "long hello field"],
)
def test_item7_deep_nesting_and_long_names_are_refused(
    shared_client: TestClient, message: str, problem: str
) -> None:
    with live(shared_client) as ws:
        ws.send_text(message)
        answer = ws.receive_json()
        ws.send_text('{"type": "stop"}')
        assert ws.receive_json()["type"] == "stopped"
    assert answer["type"] == "error" and problem in answer["message"], answer
    assert len(answer["message"]) < 120


# -- memory: pose models, threads, what a step keeps ------------------------------------------
class CountingPoseFactory:
    """Makes the real MediaPipe model, counting how many it made."""

    def __init__(self) -> None:
        self.made = 0

    def __call__(self) -> PoseEstimator:
        from crampcoach.pose.mediapipe_pose import MediaPipePose

        self.made += 1
        return MediaPipePose()


def real_pose_factory() -> CountingPoseFactory:
    try:
        import cv2  # noqa: F401

        from crampcoach.pose.mediapipe_pose import load_pose_solution

        load_pose_solution()
    except Exception as exc:  # ImportError, or CameraExtraMissing
        unavailable(f"the camera extra is not installed ({exc})")
    return CountingPoseFactory()


def real_jpegs(count: int) -> list[bytes]:
    if not (DATA / "video.avi").is_file():
        unavailable(f"real footage not found at {DATA.resolve()}")
    import cv2

    from crampcoach.pose import read_frames

    out = []
    for _t, rgb in read_frames(DATA / "video.avi", limit=count):
        bgr = cv2.cvtColor(cv2.resize(rgb, (640, 480)), cv2.COLOR_RGB2BGR)
        out.append(cv2.imencode(".jpg", bgr)[1].tobytes())
    return out


def camera_session(client: TestClient, jpegs: list[bytes]) -> list[dict[str, Any]]:
    with live(client, frames="jpeg") as ws:
        answers = []
        for frame_id, jpeg in enumerate(jpegs):
            ws.send_bytes(wire.FRAME_MAGIC + struct.pack(">Id", frame_id, frame_id / 15) + jpeg)
            answers.append(ws.receive_json())
        ws.send_text('{"type": "stop"}')
        assert ws.receive_json()["type"] == "stopped"
    return answers


def test_item7_sessions_do_not_accumulate_pose_models_or_threads(tmp_path: Path) -> None:
    factory = real_pose_factory()
    jpegs = real_jpegs(2)
    client = make_client(tmp_path, pose_factory=factory)
    state = client.app.state
    for _ in range(26):  # one camera after another: one model, one thread, all along
        answers = camera_session(client, jpegs)
        assert [a["type"] for a in answers] == ["feedback", "feedback"]
        assert answers[-1]["landmarks"] is not None
    pool = state.pose_pool
    assert (factory.made, pool.threads, pool.open_models) == (1, 1, 1)
    with ExitStack() as stack:  # four cameras at once: the pool grows to four, no further
        sockets = [stack.enter_context(live(client, frames="jpeg")) for _ in range(4)]
        for ws in sockets:
            ws.send_bytes(wire.FRAME_MAGIC + struct.pack(">Id", 1, 0.1) + jpegs[0])
            assert ws.receive_json()["type"] == "feedback"
    wait_until(lambda: state.live_connections == 0)
    for _ in range(4):
        camera_session(client, jpegs)
    assert factory.made == pool.threads == 4
    assert pool.open_models <= 4
    pool.close()
    assert (pool.threads, pool.open_models) == (0, 0)


def test_item7_a_model_lent_again_has_forgotten_the_last_person(tmp_path: Path) -> None:
    factory = real_pose_factory()
    jpegs = real_jpegs(12)
    first = camera_session(make_client(tmp_path / "a", pose_factory=factory), jpegs[:1])
    client = make_client(tmp_path / "b", pose_factory=factory)
    camera_session(client, jpegs[6:12])  # tracking and smoothing follow this person ...
    again = camera_session(client, jpegs[:1])  # ... and are reset before the next session
    assert factory.made == 2
    np.testing.assert_allclose(again[0]["landmarks"], first[0]["landmarks"], atol=1e-3)


def test_item7_an_idle_pose_model_is_closed_and_memory_handed_back() -> None:
    factory = real_pose_factory()
    trims: list[float] = []
    pool = PosePool(factory, size=2, idle_close_s=0.3, trim=lambda: trims.append(1.0))
    try:
        worker = pool.lease()
        worker.submit(worker.pose.open).result(60)
        assert pool.open_models == 1
        pool.give_back(worker).result(10)
        assert len(trims) == 1  # after the session: reset, memory handed back, model kept
        assert pool.open_models == 1
        wait_until(lambda: pool.open_models == 0)  # unused 0.3 s: closed
        wait_until(lambda: len(trims) == 2)
        assert pool.threads == 1 and factory.made == 1
        worker = pool.lease()  # the same thread makes a new model when one is needed
        worker.submit(worker.pose.open).result(60)
        assert (pool.threads, pool.open_models, factory.made) == (1, 1, 2)
    finally:
        pool.close()


def test_item7_one_step_keeps_a_bounded_history() -> None:
    steps = build_timeline(builtin_routine("bedtime"), leg="left", tempo_s=3).steps
    frames = generate("toe-points", seed=5).frames
    coach = LiveCoach(steps, max_step_frames=100)
    coach.enter(3)  # toe points
    shown = [coach.observe(f) for f in frames[:250]]
    assert coach.analyser is not None and coach.analyser.result()["frames"] == 100
    assert coach.fed == 100
    assert all(s.hint != LONG_STEP_HINT for s in shown[:100])
    assert all(s.hint == LONG_STEP_HINT and s.events == () for s in shown[100:])
    assert {s.count for s in shown[100:]} == {shown[99].count}  # the count stands
    assert [s.t for s in shown[100:]] == [f.t for f in frames[100:250]]  # frames still shown
    coach.enter(4)  # the next step starts afresh
    assert coach.fed == 0
    assert coach.observe(frames[251]).hint != LONG_STEP_HINT
