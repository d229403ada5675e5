"""The live camera WebSocket's messages: parsed and checked here, without a server.

Client to server (JSON text unless said otherwise):

- ``{"type": "hello", "protocol": 1, "routine": "bedtime", "leg": "left", "tempo_s": 3,
  "session": KEY, "frames": "jpeg" | "landmarks"}``: first, once. ``session`` (16-64 of
  ``A-Z a-z 0-9 - _``, optional) names the figures for the session record; ``frames``
  says what the client will send ("jpeg": the server prepares its pose model).
- ``{"type": "step", "index": i}``: the player entered step i of the timeline (-1: not
  started yet).
- a camera frame, binary: ``b"CCF1"``, the frame id (uint32, big-endian), the capture
  time in seconds (float64, big-endian), then the JPEG (at most 640x480 is expected).
- a landmark frame: ``{"type": "landmarks", "id": n, "t": s, "image": [[x, y, z, v] x
  33] or null, "world": ..., "size": [w, h]}``: a frame of the landmark-track format
  (ARCHITECTURE.md) from a client that ran pose itself.
- ``{"type": "stop"}``: the session is over; answered with "stopped".

Every number is bounded (the limits below): JSON numbers longer than 32 characters,
NaN, Infinity, 1e999, a bool where a number belongs, an unknown field and deep nesting are
refused with an "error" like any other bad message, and the connection goes on.

Server to client: "ready", "unavailable" (the server will not coach this socket, and
says why: no pose model and what to install, too many cameras, no hello in time, nothing
received for too long; the socket then closes), "step", "feedback" (one per analysed
frame, with its id), "dropped" (a frame replaced by a newer one before it was analysed),
"error" (with the frame's id when it was a frame; the connection goes on), "figures" (a
step's camera figures) and "stopped".
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from crampcoach.motion.track import Frame
from crampcoach.pose.jpeg import FrameError, check_jpeg
from crampcoach.protocol.models import LegChoice
from crampcoach.services.camera_placement import Placement
from crampcoach.services.live_coaching import LiveFeedback, StepOutcome
from crampcoach.services.live_figures import KEY_PATTERN
from crampcoach.session.record import CameraFigures
from crampcoach.session.timeline import Step
from crampcoach.web.bounded_json import JsonRefused, loads
from crampcoach.web.live_landmarks import LandmarkError, landmark_frame

PROTOCOL = 1
FRAME_MAGIC = b"CCF1"
FRAME_HEADER = struct.Struct(">4sId")  # magic, frame id, capture time (s)
MAX_FRAME_BYTES = FRAME_HEADER.size + 2 * 1024 * 1024
MAX_TEXT_CHARS = 64 * 1024  # a landmark frame is about 6 kB
MAX_FRAME_ID = 2**32 - 1
MAX_T_S = 7 * 24 * 3600.0
MAX_STEP_INDEX = 999  # a timeline has a few dozen steps at most


class MessageError(ValueError):
    """A message that cannot be used; `frame_id` is set when it was a frame."""

    def __init__(self, message: str, frame_id: int | None = None) -> None:
        super().__init__(message)
        self.frame_id = frame_id


class Hello(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # no "3" or true for a number

    type: Literal["hello"]
    protocol: int = PROTOCOL
    routine: str = Field(min_length=1, max_length=60, pattern=r"^[a-z0-9][a-z0-9-]*$")
    leg: LegChoice
    tempo_s: float = Field(ge=0.5, le=30, allow_inf_nan=False)
    session: str | None = Field(default=None, pattern=KEY_PATTERN)
    frames: Literal["jpeg", "landmarks"] = "jpeg"

    @field_validator("protocol", mode="before")
    @classmethod
    def _this_protocol(cls, value: object) -> object:
        if type(value) is not int or value != PROTOCOL:  # not True, not 1.0
            raise ValueError(f"this server speaks protocol {PROTOCOL}")
        return value


@dataclass(frozen=True)
class EnterStep:
    index: int


@dataclass(frozen=True)
class Stop:
    pass


@dataclass(frozen=True)
class JpegFrame:
    id: int
    t: float
    data: bytes


@dataclass(frozen=True)
class LandmarkFrame:
    id: int
    frame: Frame

    @property
    def t(self) -> float:
        return self.frame.t


Incoming = Hello | EnterStep | Stop | JpegFrame | LandmarkFrame


def _check_t(t: float, frame_id: int) -> float:
    if not math.isfinite(t) or not 0 <= t <= MAX_T_S:
        raise MessageError("the frame's time must be seconds from 0 to a week", frame_id)
    return t


def parse_binary(data: bytes) -> JpegFrame:
    """A camera frame; the JPEG's header is checked here, its pixels later."""
    if len(data) < FRAME_HEADER.size:
        raise MessageError("a binary message must be a frame: CCF1, id, time, then a JPEG")
    magic, frame_id, t = FRAME_HEADER.unpack_from(data)
    if magic != FRAME_MAGIC:
        raise MessageError("a binary message must be a frame: CCF1, id, time, then a JPEG")
    if len(data) > MAX_FRAME_BYTES:
        raise MessageError(
            f"the frame is too large ({len(data)} bytes; at most {MAX_FRAME_BYTES})", frame_id
        )
    _check_t(t, frame_id)
    jpeg = bytes(data[FRAME_HEADER.size :])
    try:
        check_jpeg(jpeg)
    except FrameError as exc:
        raise MessageError(str(exc), frame_id) from None
    return JpegFrame(frame_id, t, jpeg)


def _frame_id(data: dict[str, Any]) -> int:
    value = data.get("id")
    if type(value) is not int or not 0 <= value <= MAX_FRAME_ID:
        raise MessageError('a landmark frame needs an "id" from 0 to 4294967295')
    return value


def _only(data: dict[str, Any], allowed: frozenset[str], kind: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise MessageError(f"{kind}: unknown field {unknown[0][:40]!r}")


_STEP_FIELDS = frozenset({"type", "index"})
_STOP_FIELDS = frozenset({"type"})


def parse_text(text: str) -> Incoming:
    """One JSON message from the client; MessageError for anything out of bounds."""
    if len(text) > MAX_TEXT_CHARS:
        raise MessageError(f"the message is too long ({len(text)} characters)")
    try:
        data = loads(text)
    except JsonRefused as exc:
        raise MessageError(str(exc)) from None
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise MessageError('a message must be a JSON object with a "type"')
    kind = data["type"]
    if kind == "landmarks":
        frame_id = _frame_id(data)
        try:
            frame = landmark_frame(data)
        except LandmarkError as exc:
            raise MessageError(str(exc), frame_id) from None
        _check_t(frame.t, frame_id)
        return LandmarkFrame(frame_id, frame)
    if kind == "step":
        _only(data, _STEP_FIELDS, "step")
        index = data.get("index")
        if type(index) is not int:
            raise MessageError('a step message needs an integer "index"')
        if not -1 <= index <= MAX_STEP_INDEX:
            raise MessageError(f'step: "index" must be from -1 to {MAX_STEP_INDEX}')
        return EnterStep(index)
    if kind == "stop":
        _only(data, _STOP_FIELDS, "stop")
        return Stop()
    if kind == "hello":
        try:
            return Hello.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])[:40]  # a field's name may be long
            raise MessageError(f"hello: {where}: {first['msg']}") from None
    raise MessageError(f"unknown message type {kind[:40]!r}")


# -- server to client ---------------------------------------------------------------------
def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON: {type(value).__name__}")


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, separators=(",", ":"), default=_plain, allow_nan=False)


def ready(*, pose: bool, steps: int) -> str:
    return dumps(
        {
            "type": "ready",
            "protocol": PROTOCOL,
            "pose": pose,
            "steps": steps,
            "max_frame_bytes": MAX_FRAME_BYTES,
        }
    )


def unavailable(message: str) -> str:
    return dumps({"type": "unavailable", "message": message})


def error(message: str, frame_id: int | None = None) -> str:
    return dumps({"type": "error", "id": frame_id, "message": message})


def dropped(frame_id: int) -> str:
    return dumps({"type": "dropped", "id": frame_id})


def _landmarks(image: np.ndarray | None) -> list[list[float]] | None:
    """x, y and visibility of each landmark, 4 decimals (z is not drawn)."""
    if image is None:
        return None
    return np.round(image[:, [0, 1, 3]], 4).tolist()


def _finite(value: float | None, digits: int = 1) -> float | None:
    return round(float(value), digits) if value is not None and math.isfinite(value) else None


def _placement(placement: Placement | None) -> dict[str, Any] | None:
    if placement is None:
        return None
    return {
        "exercise": placement.exercise,
        "wanted": placement.wanted,
        "seen": placement.seen,
        "ok": placement.ok,
        "advice": placement.advice,
    }


def feedback(frame_id: int, seen: LiveFeedback, stats: dict[str, int], server_ms: float) -> str:
    return dumps(
        {
            "type": "feedback",
            "id": frame_id,
            "t": round(seen.t, 4),
            "step": seen.step,
            "exercise": seen.exercise,
            "landmarks": _landmarks(seen.landmarks),
            "count": _finite(seen.count),
            "planned": seen.planned,
            "direction": seen.direction,
            "angle_deg": _finite(seen.angle_deg),
            "best": {k: _finite(v) for k, v in seen.best.items()},
            "hold_s": _finite(seen.hold_s),
            "holding": seen.holding,
            "hint": seen.hint,
            "events": list(seen.events),
            "placement": _placement(seen.placement),
            "stats": stats,
            "server_ms": round(server_ms, 2),
        }
    )


def step_entered(index: int, step: Step | None, exercise: str | None) -> str:
    return dumps(
        {
            "type": "step",
            "index": index,
            "exercise": exercise,
            "direction": None if step is None else step.direction,
            "planned": None if step is None or exercise is None else step.planned,
            "unit": None if step is None else step.unit,
        }
    )


def _figures(figures: CameraFigures) -> dict[str, Any]:
    return {
        "exercise_id": figures.exercise_id,
        "camera_done": figures.done,
        "camera_range_deg": figures.range_deg,
        "camera_seen": figures.seen,
    }


def step_figures(outcome: StepOutcome) -> str:
    return dumps(
        {
            "type": "figures",
            "index": outcome.index,
            **_figures(outcome.figures),
            "result": outcome.result,
        }
    )


def stopped(figures: dict[int, CameraFigures], stats: dict[str, int]) -> str:
    return dumps(
        {
            "type": "stopped",
            "figures": {str(i): _figures(f) for i, f in sorted(figures.items())},
            "stats": stats,
        }
    )
