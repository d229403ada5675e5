"""Is the camera in front of the person or at their side? Read from the hips' line."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Literal

import numpy as np

from crampcoach.motion.landmarks import LEFT_HIP, LEFT_SHOULDER, RIGHT_HIP, RIGHT_SHOULDER
from crampcoach.motion.track import Frame

View = Literal["front", "side"]
SIDE_YAW_DEG = 50.0  # beyond this the hips' line points mostly along the camera's axis
HINTS = {"front": "face the camera for this one", "side": "turn sideways for this one"}
ADVICE = {  # where to stand, for a result or an error
    "front": "face the camera, with your whole leg and foot in view",
    "side": "stand or kneel side-on to the camera, with your whole body in view",
}
WINDOW = 45  # frames the live hint looks back over


def yaw_deg(frame: Frame) -> float | None:
    """The angle between the hips' line and the image plane: 0 facing the camera (or with
    the back to it), 90 side-on. None when it cannot be told."""
    if frame.image is None:
        return None
    if (frame.image[[LEFT_HIP, RIGHT_HIP], 3] < 0.3).any():
        return None
    if frame.world is not None:
        across = frame.world[LEFT_HIP] - frame.world[RIGHT_HIP]
        return math.degrees(math.atan2(abs(across[2]), abs(across[0])))
    # Image only: compare the hips' width with the torso's length (about 0.6 facing).
    aspect = frame.size[0] / frame.size[1] if frame.size else 1.0
    xy = frame.image[:, :2] * np.array([aspect, 1.0])
    width = float(np.linalg.norm(xy[LEFT_HIP] - xy[RIGHT_HIP]))
    torso = float(
        np.linalg.norm(
            (xy[LEFT_SHOULDER] + xy[RIGHT_SHOULDER]) / 2 - (xy[LEFT_HIP] + xy[RIGHT_HIP]) / 2
        )
    )
    if torso <= 0:
        return None
    ratio = min(1.0, width / (0.6 * torso))
    return math.degrees(math.acos(ratio))


def view_of(frame: Frame) -> View | None:
    yaw = yaw_deg(frame)
    if yaw is None:
        return None
    return "side" if yaw >= SIDE_YAW_DEG else "front"


class ViewCheck:
    """Counts the frames seen from each view; hints when the recent ones are wrong."""

    def __init__(self, wanted: View) -> None:
        self.wanted = wanted
        self.counts = {"front": 0, "side": 0}
        self._recent: deque[bool] = deque(maxlen=WINDOW)

    def update(self, frame: Frame) -> None:
        view = view_of(frame)
        if view is None:
            return
        self.counts[view] += 1
        self._recent.append(view == self.wanted)

    def hint(self) -> str | None:
        if len(self._recent) >= WINDOW // 3 and sum(self._recent) < len(self._recent) / 3:
            return HINTS[self.wanted]
        return None

    def summary(self) -> dict[str, int]:
        return dict(self.counts)

    def share(self) -> float | None:
        """The share of the frames with a view that were from the wanted one."""
        seen = self.counts["front"] + self.counts["side"]
        return self.counts[self.wanted] / seen if seen else None

    def mostly_wrong(self) -> bool:
        share = self.share()
        return share is not None and share < 1 / 3


EARLY_S = 4.0  # seconds of a person in view before judging: longer than settling in place
# (a person who starts the video side-on while stepping into place faces the camera within
# a couple of seconds); the analysers' own check judges the whole track all the same.


class WrongView(ValueError):
    """The first seconds of a video show the person from the other view."""

    def __init__(self, wanted: View, seen_s: float) -> None:
        other = "side-on" if wanted == "front" else "facing the camera"
        super().__init__(
            f"the first {seen_s:.0f} s show the person {other}; this exercise needs the"
            f" camera {'in front' if wanted == 'front' else 'at the side'}: {ADVICE[wanted]}"
        )
        self.wanted = wanted


def refuse_wrong_view(
    frames: Iterable[Frame], wanted: View, *, early_s: float = EARLY_S
) -> Iterator[Frame]:
    """The frames, passed on one by one, stopped with WrongView as soon as the first
    `early_s` seconds with a person in view were mostly (two thirds) from the other
    view: a video need not be tracked to its end to say so."""
    check = ViewCheck(wanted)
    first_t: float | None = None
    judged = False
    for frame in frames:
        yield frame
        if judged:
            continue
        check.update(frame)
        if first_t is None and sum(check.counts.values()):
            first_t = frame.t
        if first_t is not None and frame.t - first_t >= early_s:
            judged = True
            if check.mostly_wrong():
                raise WrongView(wanted, frame.t - first_t)
