"""The live camera WebSocket (/api/live) through the real app, in-process: landmark frames
counted as the whole-track analysis counts them, JPEG frames through the real pose model,
bad frames answered and survived, backpressure, security, no camera extra, and the camera
figures saved with the session (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import re
import struct
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketDenialResponse, WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from crampcoach.fixtures.motion import generate
from crampcoach.motion.registry import analyse
from crampcoach.motion.track import Frame, parse_track
from crampcoach.pose.errors import CAMERA_EXTRA_HINT
from crampcoach.settings import Settings
from crampcoach.web import create_app
from crampcoach.web import live_protocol as wire
from crampcoach.web.routes.live import BUSY, MAX_CONNECTIONS
from crampcoach.web.security import Gate
from test_pose_real import DATA
from unavailable import require_module, unavailable
from web_client import ORIGIN, local_client

KEY = "cameraKey-0123456789abcdef"
STEP_OF = {"ankle-circles": 0, "toe-points": 3, "toe-writing": 5, "childs-pose": 7}


@pytest.fixture
def app_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def client(app_settings: Settings) -> TestClient:
    return local_client(create_app(app_settings))


def hello(**fields: Any) -> str:
    data = {"type": "hello", "routine": "bedtime", "leg": "left", "tempo_s": 3}
    data.update(fields)
    return json.dumps(data)


@contextmanager
def live(client: TestClient, **fields: Any) -> Iterator[WebSocketTestSession]:
    """A connection that has said hello (landmark frames unless told) and is ready."""
    fields.setdefault("frames", "landmarks")
    with client.websocket_connect("/api/live", headers=ORIGIN) as ws:
        ws.send_text(hello(**fields))
        ready = ws.receive_json()
        assert ready["type"] == "ready", ready
        yield ws


def landmarks(frame_id: int, line: str) -> str:
    data = json.loads(line)
    data.update(type="landmarks", id=frame_id)
    return json.dumps(data)


def enter(ws: WebSocketTestSession, index: int) -> list[dict[str, Any]]:
    """Enter a step; the answers (a step's figures first, when one was finished)."""
    ws.send_text(json.dumps({"type": "step", "index": index}))
    answers = [ws.receive_json()]
    if answers[0]["type"] == "figures":
        answers.append(ws.receive_json())
    assert answers[-1] == {**answers[-1], "type": "step", "index": index}
    return answers


def stop(ws: WebSocketTestSession) -> list[dict[str, Any]]:
    ws.send_text('{"type": "stop"}')
    answers = [ws.receive_json()]
    while answers[-1]["type"] != "stopped":
        answers.append(ws.receive_json())
    return answers


# -- landmark frames: the same counts as the whole-track analysis ----------------------
@pytest.mark.parametrize("exercise", list(STEP_OF))
def test_landmark_frames_are_counted_as_the_whole_track_analysis(
    client: TestClient, exercise: str
) -> None:
    leg = None if exercise == "childs-pose" else "left"  # the foot hello's timeline names
    lines = list(generate(exercise, seed=11, **({"side": leg} if leg else {})).lines())
    offline = analyse(parse_track(lines), exercise, side=leg)  # `crampcoach analyze --side`
    shown = []
    with live(client) as ws:
        enter(ws, STEP_OF[exercise])
        for frame_id, line in enumerate(lines):  # one at a time: each answered, none dropped
            ws.send_text(landmarks(frame_id, line))
            answer = ws.receive_json()
            assert (answer["type"], answer["id"]) == ("feedback", frame_id), answer
            shown.append(answer)
        figures, stopped = stop(ws)
    assert figures["type"] == "figures" and figures["index"] == STEP_OF[exercise]
    assert figures["result"] == json.loads(json.dumps(offline.result))
    assert stopped["stats"] == {
        "received": len(lines),
        "analysed": len(lines),
        "dropped": 0,
        "errors": 0,
    }
    assert stopped["figures"] == {
        str(STEP_OF[exercise]): {k: v for k, v in figures.items() if k.startswith(("camera", "ex"))}
    }
    # Frame by frame the count shown is the analyser's own.
    key = {"ankle-circles": "clockwise", "toe-points": "reps", "toe-writing": "letters"}
    for answer, seen in zip(shown, offline.feedback, strict=True):
        expected = seen.counts.get(key.get(exercise, "hold_s"))
        assert answer["count"] == pytest.approx(expected, abs=0.05)
    if exercise == "ankle-circles":
        assert figures["camera_done"] == offline.result["circles"]["clockwise"]
        assert figures["result"]["circles"] == offline.result["circles"]


def test_landmarks_echo_for_drawing_and_nobody_is_none(client: TestClient) -> None:
    line = next(generate("toe-points", seed=2).lines())
    with live(client) as ws:
        ws.send_text(landmarks(1, line))
        drawn = ws.receive_json()
        ws.send_text('{"type": "landmarks", "id": 2, "t": 5, "image": null}')
        nobody = ws.receive_json()
    assert len(drawn["landmarks"]) == 33 and all(len(p) == 3 for p in drawn["landmarks"])
    assert drawn["step"] == -1 and drawn["placement"]["exercise"] == "ankle-circles"
    assert nobody["landmarks"] is None and nobody["hint"] == "I can't see you"


# -- bad input ---------------------------------------------------------------------------
BAD_MESSAGES: list[tuple[str, bytes | str, str, int | None]] = [
    ("garbage bytes", b"\x00\x01garbage\xff" * 10, "a binary message must be a frame", None),
    ("empty bytes", b"", "a binary message must be a frame", None),
    ("empty frame", wire.FRAME_MAGIC + struct.pack(">Id", 7, 9.0), "the frame is empty", 7),
    (
        "not a jpeg",
        wire.FRAME_MAGIC + struct.pack(">Id", 8, 9.0) + b"PNG" * 100,
        "not a JPEG",
        8,
    ),
    (
        "oversize",
        wire.FRAME_MAGIC + struct.pack(">Id", 9, 9.0) + b"\xff\xd8\xff" + b"\x00" * 3_000_000,
        "too large",
        9,
    ),
    ("not json", "{'type': 'stop'", "not JSON", None),
    ("empty text", "", "not JSON", None),
    ("no type", '{"id": 3}', '"type"', None),
    ("unknown type", '{"type": "jump"}', "unknown message type", None),
    ("short landmarks", '{"type":"landmarks","id":4,"t":9,"image":[[0,0,0,1]]}', "33", 4),
    ("nan landmarks", '{"type":"landmarks","id":5,"t":9,"image":NaN}', "NaN is not a number", None),
    ("step far away", '{"type": "step", "index": 99}', "step 99 is not in this session", None),
    ("hello again", hello(), "hello was already said", None),
]


@pytest.mark.parametrize(
    ("message", "problem", "frame_id"),
    [m[1:] for m in BAD_MESSAGES],
    ids=[m[0] for m in BAD_MESSAGES],
)
def test_a_bad_message_is_answered_and_the_connection_goes_on(
    client: TestClient, message: bytes | str, problem: str, frame_id: int | None
) -> None:
    lines = list(generate("toe-points", seed=3).lines())
    with live(client) as ws:
        ws.send_text(landmarks(1, lines[0]))
        assert ws.receive_json()["type"] == "feedback"
        if isinstance(message, bytes):
            ws.send_bytes(message)
        else:
            ws.send_text(message)
        answer = ws.receive_json()
        assert answer["type"] == "error" and problem in answer["message"], answer
        assert answer["id"] == frame_id
        ws.send_text(landmarks(2, lines[1]))
        after = ws.receive_json()
    assert (after["type"], after["id"]) == ("feedback", 2)
    assert after["stats"]["errors"] == 1


def test_a_frame_whose_time_goes_back_is_refused(client: TestClient) -> None:
    lines = list(generate("toe-points", seed=3).lines())
    with live(client) as ws:
        ws.send_text(landmarks(1, lines[5]))
        ws.receive_json()
        ws.send_text(landmarks(2, lines[4]))
        assert ws.receive_json() == {
            "type": "error",
            "id": 2,
            "message": "the frame's time went backwards",
        }


def test_frames_before_hello_are_refused_then_hello_works(client: TestClient) -> None:
    with client.websocket_connect("/api/live", headers=ORIGIN) as ws:
        ws.send_text('{"type": "landmarks", "id": 3, "t": 1, "image": null}')
        assert ws.receive_json() == {"type": "error", "id": 3, "message": 'say "hello" first'}
        ws.send_text(hello(routine="no-such-routine", frames="landmarks"))
        refused = ws.receive_json()
        assert refused["type"] == "error" and "no-such-routine" in refused["message"]
        ws.send_text(hello(frames="landmarks"))
        assert ws.receive_json()["type"] == "ready"


# -- JPEG frames: backpressure with a slow pose model --------------------------------------
class SlowPose:
    """A stand-in pose model behind the estimator seam: slow, landmarks from a track."""

    def __init__(self, frames: list[Frame], delay_s: float) -> None:
        self.frames = frames
        self.delay_s = delay_s
        self.calls = 0

    def estimate(self, rgb: np.ndarray, t: float) -> Frame:
        time.sleep(self.delay_s)
        frame = self.frames[self.calls % len(self.frames)]
        self.calls += 1
        return Frame(t, frame.image, frame.world, (rgb.shape[1], rgb.shape[0]))

    def close(self) -> None:
        pass


def tiny_jpeg() -> bytes:
    cv2 = require_module("cv2", "OpenCV comes with the camera extra")
    ok, data = cv2.imencode(".jpg", np.full((48, 64, 3), 90, np.uint8))
    assert ok
    return data.tobytes()


def frame_packet(frame_id: int, t: float, jpeg: bytes) -> bytes:
    return wire.FRAME_MAGIC + struct.pack(">Id", frame_id, t) + jpeg


def test_a_slow_server_drops_stale_frames_and_answers_every_frame(
    app_settings: Settings,
) -> None:
    track = generate("toe-points", seed=4).frames
    pose = SlowPose(track, delay_s=0.05)
    client = local_client(create_app(app_settings, pose_factory=lambda: pose))
    jpeg = tiny_jpeg()
    sent = 30
    with live(client, frames="jpeg") as ws:
        for frame_id in range(sent):  # far faster than 20 frames a second
            ws.send_bytes(frame_packet(frame_id, frame_id / 30, jpeg))
        answers: dict[int, str] = {}
        while len(answers) < sent:
            answer = ws.receive_json()
            assert answer["id"] not in answers, "each frame is answered once"
            answers[answer["id"]] = answer["type"]
            last = answer
        stats = stop(ws)[-1]["stats"]
    kinds = list(answers.values())
    assert set(kinds) <= {"feedback", "dropped"}
    assert kinds.count("dropped") >= sent // 2  # most waited while the model was busy
    assert answers[sent - 1] == "feedback"  # the newest frame is always analysed
    assert stats["dropped"] == kinds.count("dropped")
    assert stats["analysed"] == kinds.count("feedback") == pose.calls - 1  # - the warm-up
    assert stats["received"] == sent
    assert last["type"] == "feedback"


def test_a_damaged_jpeg_is_answered_and_the_model_goes_on(app_settings: Settings) -> None:
    pose = SlowPose(generate("toe-points", seed=4).frames, delay_s=0)
    client = local_client(create_app(app_settings, pose_factory=lambda: pose))
    jpeg = tiny_jpeg()
    with live(client, frames="jpeg") as ws:
        ws.send_bytes(frame_packet(1, 0.1, jpeg[: len(jpeg) // 2]))
        answer = ws.receive_json()
        assert answer == {**answer, "type": "error", "id": 1}
        assert "could not be decoded" in answer["message"]
        ws.send_bytes(frame_packet(2, 0.2, jpeg))
        assert ws.receive_json()["type"] == "feedback"


# -- the camera extra missing ------------------------------------------------------------
def test_without_the_camera_extra_one_clear_message(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "mediapipe", None)  # `import mediapipe` now fails
    with client.websocket_connect("/api/live", headers=ORIGIN) as ws:
        ws.send_text(hello(frames="jpeg"))
        answer = ws.receive_json()
        assert answer["type"] == "unavailable"
        assert answer["message"].startswith(CAMERA_EXTRA_HINT)
        assert "pip install" in answer["message"] and "[camera]" in answer["message"]
        with pytest.raises(WebSocketDisconnect):
            ws.receive_json()
    # A client that runs pose itself is still served; its JPEG frames get the same answer.
    lines = list(generate("toe-points", seed=3).lines())
    with live(client) as ws:
        ws.send_bytes(frame_packet(1, 0.0, tiny_jpeg()))
        first = ws.receive_json()
        assert first["type"] == "error" and first["message"].startswith(CAMERA_EXTRA_HINT)
        ws.send_text(landmarks(2, lines[0]))
        assert ws.receive_json()["type"] == "feedback"


# -- security ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "headers",
    [{}, {"origin": "http://evil.example"}, {"origin": "null"}, {"origin": "http://127.0.0.1:9"}],
    ids=["no origin", "foreign", "null", "other port"],
)
def test_a_websocket_from_elsewhere_is_refused(client: TestClient, headers: dict) -> None:
    with (
        pytest.raises(WebSocketDenialResponse) as refused,
        client.websocket_connect("/api/live", headers=headers),
    ):
        pass
    assert refused.value.status_code == 403  # refused by the Gatekeeper, before any route


def test_with_a_password_the_websocket_needs_a_login(app_settings: Settings) -> None:
    client = local_client(create_app(app_settings, gate=Gate.for_host("127.0.0.1", "night-owl")))
    with (
        pytest.raises(WebSocketDenialResponse) as refused,
        client.websocket_connect("/api/live", headers=ORIGIN),
    ):
        pass
    assert refused.value.status_code == 403 and b"log in first" in refused.value.content
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/login").text)
    assert token is not None
    client.post("/login", data={"password": "night-owl", "next": "/", "csrf_token": token[1]})
    with live(client) as ws:  # the session cookie goes with the handshake
        ws.send_text('{"type": "stop"}')
        assert ws.receive_json()["type"] == "stopped"


def test_the_csp_allows_the_websocket_and_the_camera(client: TestClient) -> None:
    headers = client.get("/play/bedtime").headers
    assert "connect-src 'self'" in headers["content-security-policy"]
    assert "camera=(self)" in headers["permissions-policy"]


def test_cameras_at_once_are_limited(client: TestClient) -> None:
    client.app.state.live_connections = MAX_CONNECTIONS  # as if that many were open
    with client.websocket_connect("/api/live", headers=ORIGIN) as ws:
        assert ws.receive_json() == {"type": "unavailable", "message": BUSY}


# -- real footage through the real pose model ----------------------------------------------
def test_real_jpeg_frames_through_mediapipe(client: TestClient) -> None:
    if not (DATA / "video.avi").is_file():
        unavailable(f"real footage not found at {DATA.resolve()}")
    try:
        import cv2

        from crampcoach.pose import read_frames
    except ImportError as exc:
        unavailable(f"the camera extra is not installed ({exc})")
    with live(client, frames="jpeg") as ws:
        for frame_id, (t, rgb) in enumerate(read_frames(DATA / "video.avi", limit=15)):
            small = cv2.resize(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), (640, 480))
            ws.send_bytes(frame_packet(frame_id, t, cv2.imencode(".jpg", small)[1].tobytes()))
            answer = ws.receive_json()
            assert (answer["type"], answer["id"]) == ("feedback", frame_id), answer
        stats = stop(ws)[-1]["stats"]
    assert answer["landmarks"] is not None and len(answer["landmarks"]) == 33
    assert sum(p[2] >= 0.5 for p in answer["landmarks"]) >= 20
    assert answer["placement"]["exercise"] == "ankle-circles"
    assert stats == {"received": 15, "analysed": 15, "dropped": 0, "errors": 0}


# -- the figures saved with the session (SQLite and PostgreSQL) -----------------------------
def test_camera_figures_are_saved_beside_what_was_done(settings: Settings) -> None:
    client = local_client(create_app(settings))
    lines = list(generate("toe-points", seed=6, side="left").lines())
    offline = analyse(parse_track(lines), "toe-points", side="left").result
    with live(client, session=KEY) as ws:
        enter(ws, 2)  # the rest before toe points: placement only, no figures
        enter(ws, 3)
        for frame_id, line in enumerate(lines):
            ws.send_text(landmarks(frame_id, line))
            ws.receive_json()
        figures, step = enter(ws, 4)
        stop(ws)
    assert figures["index"] == 3 and step["exercise"] is None
    now = datetime.now(UTC).replace(microsecond=0)
    body = {
        "routine": "bedtime",
        "leg": "left",
        "tempo_s": 3,
        "started_at": (now - timedelta(minutes=6)).isoformat(),
        "ended_at": now.isoformat(),
        "commands": [],
        "camera": KEY,
    }
    saved = client.post("/api/sessions", json=body)
    assert saved.status_code == 201, saved.text
    motion = offline["range_of_motion_deg"]
    expected = {
        "camera_done": float(offline["reps"]),
        "camera_range_deg": round(motion["plantarflexion"] + motion["dorsiflexion"], 1),
        "camera_seen": round(offline["frames_used"] / offline["frames"], 3),
    }
    for answer in (saved.json(), client.get("/api/sessions").json()[0]):
        steps = {s["index"]: s for s in answer["steps"]}
        assert {k: steps[3][k] for k in expected} == expected
        others = [s for i, s in steps.items() if i != 3]
        assert all(s["camera_done"] is s["camera_seen"] is None for s in others)
    # The figures are taken once: a second session with the same key has none.
    again = client.post("/api/sessions", json=body).json()
    assert all(s["camera_done"] is None for s in again["steps"])
    unknown = client.post("/api/sessions", json={**body, "camera": "x" * 20}).json()
    assert all(s["camera_done"] is None for s in unknown["steps"])
    refused = client.post("/api/sessions", json={**body, "camera": "bad key!"})
    assert refused.status_code == 422


def test_a_dropped_connection_keeps_the_figures_of_the_step_it_was_in(
    client: TestClient,
) -> None:
    lines = list(generate("childs-pose", seed=2).lines())
    with live(client, session=KEY) as ws:
        enter(ws, 7)
        for frame_id, line in enumerate(lines[:200]):
            ws.send_text(landmarks(frame_id, line))
            ws.receive_json()
    # gone without "stop": the step was settled when the socket closed
    for _ in range(50):
        if len(client.app.state.live_figures):
            break
        time.sleep(0.02)
    kept = client.app.state.live_figures.take(KEY)
    assert list(kept) == [7] and kept[7].exercise_id == "childs-pose"
    assert client.app.state.live_connections == 0
