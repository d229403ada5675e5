"""/api/demonstration: the "Show me how" animation of an exercise step, as landmarks.

The body is made once per step (the service keeps it, and its encoding here) and is the
same for everyone within a version: the browser keeps it a day, revalidates it by its
ETag, and the player's service worker can keep it for offline use. It is sent gzipped
when the browser accepts that (about 30 times smaller: most of the body stands still).
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from crampcoach.motion.landmarks import Side
from crampcoach.services.demonstration import Direction, Exercise, demonstration

router = APIRouter(prefix="/api", tags=["demonstrations"])
MAX_AGE_S = 24 * 3600  # the response never changes within a version; the ETag tells
# Private, not public: the Gatekeeper may add a session cookie to any response, and a
# shared cache must never hand that to someone else. Browsers and the service worker keep it.
CACHE_CONTROL = f"private, max-age={MAX_AGE_S}"


class TrailPublic(BaseModel):
    landmark: int = Field(description="The landmark whose path is drawn behind it.")
    seconds: float | None = Field(description="How far back the path reaches; null: the span.")
    spans: list[tuple[int, int]] = Field(description="Frame ranges (end exclusive) with a path.")


class CloseupPublic(BaseModel):
    x: float = Field(description="Centre of the region worth magnifying, in image coordinates.")
    y: float
    radius: float = Field(description="As a share of the image's height.")


class LabelPublic(BaseModel):
    start: int
    end: int = Field(description="Exclusive.")
    text: str


class StillPublic(BaseModel):
    frame: int
    ghosts: list[int] = Field(description="Frames whose `ghost` part is drawn faded too.")
    path: tuple[int, int] | None = Field(description="The trail landmark's path, with an arrow.")
    label: str | None


class DemonstrationPublic(BaseModel):
    exercise: Exercise
    leg: Side | None
    direction: Direction | None
    view: str = Field(description='"front" or "side": where the camera stands.')
    fps: float
    width: int = Field(description="The image's shape, for the frames' aspect ratio.")
    height: int
    mirrored: bool = Field(description="Show it mirrored, like the camera preview.")
    highlight: list[int] = Field(description="Landmarks of the working part.")
    far: list[int] = Field(description="Landmarks of the side away from the camera.")
    ghost: list[int] = Field(description="Landmarks a still picture's ghosts show.")
    trail: TrailPublic | None
    closeup: CloseupPublic | None
    labels: list[LabelPublic]
    stills: list[StillPublic] = Field(description="Key pictures for reduced motion.")
    caption: str
    description: str = Field(description="The animation in words, for screen readers.")
    frames: list[list[tuple[float, float]] | None] = Field(
        description="Per frame, the 33 MediaPipe Pose landmarks [x, y] in the raw, "
        "unmirrored image (0..1, y down), or null; played in a loop at `fps`."
    )


@dataclass(frozen=True)
class _Encoded:
    body: bytes
    packed: bytes  # gzip
    etag: str


@lru_cache(maxsize=16)
def _encoded(exercise: str, leg: Side | None, direction: Direction | None) -> _Encoded:
    """The JSON body, its gzip form and its ETag, made once."""
    demo = demonstration(exercise, leg, direction)
    width, height = demo.size
    public = {
        "exercise": demo.exercise,
        "leg": demo.leg,
        "direction": demo.direction,
        "view": demo.view,
        "fps": demo.fps,
        "width": width,
        "height": height,
        "mirrored": True,
        "highlight": list(demo.highlight),
        "far": list(demo.far),
        "ghost": list(demo.ghost),
        "trail": None
        if demo.trail is None
        else {
            "landmark": demo.trail.landmark,
            "seconds": None if demo.trail.seconds is None else round(demo.trail.seconds, 3),
            "spans": [list(span) for span in demo.trail.spans],
        },
        "closeup": None
        if demo.closeup is None
        else {
            "x": round(demo.closeup.x, 4),
            "y": round(demo.closeup.y, 4),
            "radius": round(demo.closeup.radius, 4),
        },
        "labels": [{"start": x.start, "end": x.end, "text": x.text} for x in demo.labels],
        "stills": [
            {
                "frame": x.frame,
                "ghosts": list(x.ghosts),
                "path": None if x.path is None else list(x.path),
                "label": x.label,
            }
            for x in demo.stills
        ],
        "caption": demo.caption,
        "description": demo.description,
        "frames": demo.frames.tolist(),
    }
    body = json.dumps(public, separators=(",", ":")).encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:20]}"'
    return _Encoded(body, gzip.compress(body, compresslevel=9, mtime=0), etag)


@router.get(
    "/demonstration",
    response_model=DemonstrationPublic,
    responses={304: {"description": "Not modified (the ETag matched)."}},
)
def get_demonstration(
    request: Request,
    exercise: Exercise = Query(description="The exercise (a routine step's exercise_id)."),
    leg: Side | None = Query(None, description="The step's leg; right when not given."),
    direction: Direction | None = Query(
        None, description="Ankle circles only: the step's direction; clockwise when not given."
    ),
    v: str | None = Query(
        None, max_length=40, description="The app's version, to keep caches of versions apart."
    ),
) -> Response:
    """A short looping animation of an exercise step: the package's motion model seen from
    where the exercise's camera advice puts the camera. Clockwise is the person's own
    (ARCHITECTURE.md); shown mirrored, it turns clockwise on screen too."""
    made = _encoded(exercise, leg, direction)
    headers = {"Cache-Control": CACHE_CONTROL, "ETag": made.etag, "Vary": "Accept-Encoding"}
    if made.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(made.packed, media_type="application/json", headers=headers)
    return Response(made.body, media_type="application/json", headers=headers)
