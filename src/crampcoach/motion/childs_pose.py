"""Child's pose: the seconds really held, and the breathing rate while held if it shows.

Each frame is checked against the pose, from the side: knees folded (hip-knee-ankle
angle small), hips toward the heels, torso forward and down (the shoulders no higher
than a little above the hips). A hold starts once the pose has been kept for ENTER_S
and ends once it has been lost for EXIT_S; both are dated back to the frame where the
change began, so the time counted is the time in the pose, not getting in or out of it.

Whether the track shows child's pose at all (`detected`): the pose held for at least
`min_hold_s` in one go. Its geometry (knees folded, hips on the heels, torso folded
down) already sets it apart from standing, squatting (the torso stays up) and a plank
(the knees straight); passing through it on the way down to the floor lasts a moment.

Breathing: while held, the back rises and falls. The shoulders' height above the hips
(in torso lengths) is resampled evenly, detrended and its spectrum searched between 5
and 36 breaths a minute; a rate is reported only when one peak clearly dominates and at
least three breaths were held, otherwise None with the reason.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from crampcoach.motion.detection import Detection
from crampcoach.motion.exercise import Exercise
from crampcoach.motion.feedback import HINT_NO_PERSON, Feedback
from crampcoach.motion.filters import Median3
from crampcoach.motion.landmarks import (
    LEFT_ANKLE,
    LEFT_HIP,
    LEFT_KNEE,
    LEFT_SHOULDER,
    RIGHT_ANKLE,
    RIGHT_HIP,
    RIGHT_KNEE,
    RIGHT_SHOULDER,
)
from crampcoach.motion.points import MIN_VISIBILITY, angle_deg
from crampcoach.motion.track import Frame

KNEE_FOLDED_DEG = 75.0  # hip-knee-ankle angle at most this
HIPS_TO_HEELS = 0.85  # hip-to-ankle distance at most this many thigh lengths
TORSO_UP_DEG = 5.0  # the torso folded down: shoulders no higher than the hips (+ jitter)
ENTER_S = 0.8
EXIT_S = 0.6
GAP_S = 1.0  # a gap in the track longer than this ends a hold
BREATH_MIN_BPM, BREATH_MAX_BPM = 5.0, 36.0
BREATH_MIN_CYCLES = 3.0
BREATH_PEAK_SHARE = 0.45  # of the band's power in the peak and its neighbours
RESAMPLE_HZ = 10.0

_SIDE_POINTS = {
    "left": (LEFT_SHOULDER, LEFT_HIP, LEFT_KNEE, LEFT_ANKLE),
    "right": (RIGHT_SHOULDER, RIGHT_HIP, RIGHT_KNEE, RIGHT_ANKLE),
}


def _body(frame: Frame) -> tuple[np.ndarray, ...] | None:
    """Shoulder, hip, knee, ankle of the better-seen side (x right, y down, isotropic)."""
    if frame.image is None:
        return None
    best = None
    for indices in _SIDE_POINTS.values():
        seen = frame.image[list(indices), 3]
        if (seen >= MIN_VISIBILITY).all() and (best is None or seen.mean() > best[0]):
            best = (float(seen.mean()), indices)
    if best is None:
        return None
    if frame.world is not None:
        xy = frame.world[:, :2]  # metres; y down like the image
    else:
        aspect = frame.size[0] / frame.size[1] if frame.size else 1.0
        xy = frame.image[:, :2] * np.array([aspect, 1.0])
    return tuple(xy[i] for i in best[1])


def pose_measures(frame: Frame) -> dict[str, float] | None:
    """The three measures of the pose for one frame, or None when the body is not seen."""
    body = _body(frame)
    if body is None:
        return None
    shoulder, hip, knee, ankle = body
    thigh = float(np.linalg.norm(hip - knee))
    torso_vec = shoulder - hip
    torso = float(np.linalg.norm(torso_vec))
    if thigh <= 0 or torso <= 0:
        return None
    return {
        "knee_deg": angle_deg(hip - knee, ankle - knee),
        "hips_to_heels": float(np.linalg.norm(hip - ankle)) / thigh,
        "torso_up_deg": math.degrees(math.asin(np.clip(-torso_vec[1] / torso, -1.0, 1.0))),
        "rise": float(-torso_vec[1]) / torso,  # the back's height: breathing moves it
    }


def in_pose(measures: dict[str, float]) -> bool:
    return (
        measures["knee_deg"] <= KNEE_FOLDED_DEG
        and measures["hips_to_heels"] <= HIPS_TO_HEELS
        and measures["torso_up_deg"] <= TORSO_UP_DEG
    )


class ChildsPose(Exercise):
    """Streaming analyser for child's pose, for a camera at the person's side.

    min_hold_s: the pose held this long in one go, at least, to be the exercise (5 s).
        The article asks for 30 to 60 s; kneeling down to the floor or getting up passes
        through the pose's shape for a second or two.
    """

    exercise = "childs-pose"
    view = "side"
    unseen_hint = HINT_NO_PERSON
    unseen_reason = "the body is not visible"

    def __init__(self, *, side: str | None = None, min_hold_s: float = 5.0) -> None:
        del side  # both sides are used; the better-seen one each frame
        super().__init__()
        self.min_hold_s = min_hold_s
        self.median = Median3()
        self.held = False
        self.change_since: float | None = None  # when the frames began to disagree
        self.hold_start: float | None = None
        self.holds: list[tuple[float, float]] = []
        self.samples: list[tuple[float, float]] = []  # (t, rise) while held
        self._pending: list[tuple[float, float]] = []  # samples awaiting the hold's start

    def hold_s(self, now: float | None = None) -> float:
        total = sum(end - start for start, end in self.holds)
        if self.held and self.hold_start is not None:
            total += (now if now is not None else self.last_t or 0.0) - self.hold_start
        return total

    def update(self, frame: Frame) -> Feedback:
        t = frame.t
        if self.last_t is not None and t - self.last_t > GAP_S:
            self._end_hold(self.last_t)
            self.median.reset()
        self.begin(frame)
        events: list[str] = []
        measures = pose_measures(frame)
        hint = self.hint(t, measures is not None)
        if measures is not None:
            smoothed = self.median(np.array([measures[k] for k in _KEYS]))
            now_in = in_pose(dict(zip(_KEYS, smoothed, strict=True)))
            self._step(t, now_in, float(smoothed[3]), events)
        return Feedback(
            t=t,
            side=None,
            counts={"hold_s": round(self.hold_s(t), 1)},
            events=tuple(events),
            value=1.0 if self.held else 0.0,
            hint=hint,
        )

    def _step(self, t: float, now_in: bool, rise: float, events: list[str]) -> None:
        if now_in == self.held:
            self.change_since = None
            self._pending.clear()
            if self.held:
                self.samples.append((t, rise))
            return
        if self.change_since is None:
            self.change_since = t
        if now_in:
            self._pending.append((t, rise))
        if now_in and t - self.change_since >= ENTER_S:
            self.held, self.hold_start = True, self.change_since
            self.samples.extend(self._pending)
            self._pending.clear()
            self.change_since = None
            events.append("hold:start")
        elif not now_in and t - self.change_since >= EXIT_S:
            self._end_hold(self.change_since)
            events.append("hold:end")

    def _end_hold(self, at: float) -> None:
        if self.held and self.hold_start is not None:
            self.holds.append((self.hold_start, at))
            self.samples = [(t, r) for t, r in self.samples if t <= at]
        self.held, self.hold_start, self.change_since = False, None, None
        self._pending.clear()

    def _all_holds(self) -> list[tuple[float, float]]:
        holds = list(self.holds)
        if self.held and self.hold_start is not None and self.last_t is not None:
            holds.append((self.hold_start, self.last_t))
        return holds

    def detect(self) -> Detection:
        """Child's pose was held: its geometry kept for at least `min_hold_s` in one go."""
        longest = max((b - a for a, b in self._all_holds()), default=0.0)
        if longest < self.min_hold_s:
            return Detection.missing("no held child's pose seen", longest_hold_s=longest)
        return Detection.seen(longest_hold_s=longest)

    def result(self) -> dict[str, Any]:
        detection = self.detection()
        holds = self._all_holds() if detection.detected else []
        breathing, reason = breathing_rate(self.samples, holds)
        return self.summary(
            detection,
            hold_s=round(sum(end - start for start, end in holds), 1),
            holds=[{"start_s": round(a, 2), "end_s": round(b, 2)} for a, b in holds],
            longest_hold_s=round(max((b - a for a, b in holds), default=0.0), 1),
            breaths_per_min=breathing,
            breathing_note=reason,
        )


_KEYS = ("knee_deg", "hips_to_heels", "torso_up_deg", "rise")


def breathing_rate(
    samples: list[tuple[float, float]], holds: list[tuple[float, float]]
) -> tuple[float | None, str | None]:
    """Breaths a minute from the back's rise during the longest hold, or (None, why)."""
    if not holds:
        return None, "no hold to measure breathing in"
    start, end = max(holds, key=lambda h: h[1] - h[0])
    inside = [(t, r) for t, r in samples if start <= t <= end]
    span = end - start
    if span * BREATH_MIN_BPM / 60 < BREATH_MIN_CYCLES or len(inside) < 20:
        return None, "the hold was too short to count breaths"
    times = np.array([t for t, _ in inside])
    values = np.array([r for _, r in inside])
    grid = np.arange(times[0], times[-1], 1.0 / RESAMPLE_HZ)
    signal = np.interp(grid, times, values)
    signal = signal - np.polyval(np.polyfit(grid - grid[0], signal, 2), grid - grid[0])
    signal = signal * np.hanning(len(signal))
    padded = 1 << max(10, math.ceil(math.log2(len(signal) * 4)))
    power = np.abs(np.fft.rfft(signal, padded)) ** 2
    freqs = np.fft.rfftfreq(padded, 1.0 / RESAMPLE_HZ) * 60.0  # per minute
    band = (freqs >= BREATH_MIN_BPM) & (freqs <= BREATH_MAX_BPM)
    if not band.any() or power[band].sum() <= 0:
        return None, "no breathing movement could be seen"
    in_band = np.flatnonzero(band)
    peak = int(in_band[np.argmax(power[band])])
    width = max(1, round(padded / len(signal)))  # the window's main lobe, in bins
    around = power[max(peak - 2 * width, 0) : peak + 2 * width + 1].sum()
    share = float(around / power[band].sum())
    rate = float(freqs[peak])
    if share < BREATH_PEAK_SHARE:
        return None, "the breathing movement was not regular enough to count"
    if span * rate / 60 < BREATH_MIN_CYCLES:
        return None, "the hold was too short to count breaths"
    return round(rate, 1), None
