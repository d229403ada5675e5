"""Toe points: repetitions (down to a full point, then up to full flex) and the range of
motion, from the ankle angle: the angle between the shank (knee -> ankle) and the foot
(heel -> toe tip), neutral at 90 degrees. Plantarflexion (toes pointed) is how far it
closes below 90, dorsiflexion (foot pulled up) how far it opens beyond 90.

Angles come from MediaPipe's metric world landmarks when the track has them (they do not
depend on where the camera stands), else from the image with its aspect restored.

Walking, squatting and jumping swing the ankle angle too, so whether the track shows toe
points (`detected`) is decided per repetition: it counts towards the exercise when the
foot moved at the ankle while the knee kept its angle and the other foot kept still.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Any

import numpy as np

from crampcoach.motion.detection import Detection
from crampcoach.motion.exercise import FootExercise
from crampcoach.motion.feedback import Feedback
from crampcoach.motion.filters import Median3
from crampcoach.motion.landmarks import SIDES, Side, leg
from crampcoach.motion.points import LegPoints, angle_deg, image_leg, world_leg
from crampcoach.motion.stillness import BodyTrack
from crampcoach.motion.track import Frame

NEUTRAL_DEG = 90.0
SMOOTH_S = 0.2  # Gaussian smoothing of the angle (sigma), centred: judged LAG_S late
LAG_S = 3 * SMOOTH_S
TURN_DEG = 8.0  # a reversal this large confirms an extreme
MIN_SWING_DEG = 15.0  # down-to-up swing that makes a repetition
SWING_SHARE = 0.55  # ... or this share of the person's typical swing, if larger
GAP_S = 0.5
FAR_SIDE_VISIBILITY = 0.3


class _Ankle:
    """The ankle angle of one foot: a two-state machine over its smoothed angle.

    Falling (toes going down) it follows the lowest angle; a rise of TURN_DEG confirms that
    point. Rising it follows the highest angle; once the rise from the point reaches the
    repetition threshold the repetition counts, and a fall of TURN_DEG confirms the flex.
    A last point with no rise after it (a half repetition) never counts.
    """

    def __init__(self) -> None:
        self.median = Median3()
        self.last_t: float | None = None
        self.recent: deque[tuple[float, float]] = deque()  # (t, angle) awaiting judgement
        self.angle: float | None = None
        self.movement = 0.0
        self.falling = True
        self.extreme: float | None = None
        self.before = 0.0  # the highest angle before the current descent
        self.before_t = 0.0  # ... and when it was
        self.extreme_t = 0.0  # when the angle followed while rising was reached
        self.low: float | None = None  # the confirmed point being climbed from
        self.counted = False
        self.swings: list[float] = []
        self.points: list[float] = []  # every confirmed point (smallest angle)
        self.flexes: list[float] = []  # the highest angle after each point
        self.reps: list[dict[str, Any]] = []
        self.spans: list[tuple[float, float, float]] = []  # per rep: from, to, swing (deg)
        self.judged_t = -math.inf

    def threshold(self) -> float:
        if not self.swings:
            return MIN_SWING_DEG
        return max(MIN_SWING_DEG, SWING_SHARE * float(np.median(self.swings[-5:])))

    def update(self, t: float, raw: float) -> int:
        """Feed one angle; returns how many repetitions that completed (judged LAG_S late)."""
        if self.last_t is not None and t - self.last_t > GAP_S:
            self.median.reset()
        self.last_t = t
        self.recent.append((t, float(self.median(np.array([raw]))[0])))
        return self._judge(now=t)

    def flush(self) -> int:
        return self._judge(now=math.inf)

    def _judge(self, now: float) -> int:
        times = np.array([t for t, _ in self.recent])
        values = np.array([a for _, a in self.recent])
        done = 0
        for t in times[(times > self.judged_t) & (times <= now - LAG_S)]:
            weights = np.exp(-0.5 * ((times - t) / SMOOTH_S) ** 2)
            weights[np.abs(times - t) > LAG_S] = 0.0
            done += self._step(float(t), float(weights @ values / weights.sum()))
            self.judged_t = float(t)
        while self.recent and self.recent[0][0] < self.judged_t - LAG_S:
            self.recent.popleft()
        return done

    def _step(self, t: float, angle: float) -> bool:
        if self.angle is not None:
            self.movement += abs(angle - self.angle)
        self.angle = angle
        if self.extreme is None:
            self.extreme = self.before = angle
            self.before_t = t
            return False
        if self.falling:
            if angle >= self.before:  # still going up: the descent has not begun
                self.before = self.extreme = angle
                self.before_t = t
            self.extreme = min(self.extreme, angle)
            if angle - self.extreme >= TURN_DEG and self.before - self.extreme >= TURN_DEG:
                self.low, self.counted, self.falling = self.extreme, False, False
                self.points.append(self.extreme)
                self.flexes.append(angle)
                self.extreme, self.extreme_t = angle, t
            return False
        if angle >= self.extreme:
            self.extreme, self.extreme_t = angle, t
        self.flexes[-1] = max(self.flexes[-1], angle)
        completed = False
        if not self.counted and self.low is not None and angle - self.low >= self.threshold():
            self.counted = completed = True
            self.swings.append(angle - self.low)
            self.reps.append({"t": round(t, 3), "point_deg": round(NEUTRAL_DEG - self.low, 1)})
            self.spans.append((self.before_t, t, angle - self.low))
        if self.extreme - angle >= TURN_DEG:  # the flex is confirmed: heading down again
            self.falling, self.before, self.extreme = True, self.extreme, angle
            self.before_t = self.extreme_t
        return completed

    def range_of_motion(self) -> dict[str, float]:
        """Peak plantarflexion and dorsiflexion reached, in degrees from neutral."""
        points = list(self.points)
        held = self.falling and self.extreme is not None and self.flexes
        if held and self.flexes[-1] - self.extreme >= TURN_DEG:
            points.append(self.extreme)  # a point held at the very end
        plantar = max((NEUTRAL_DEG - a for a in points), default=0.0)
        dorsi = max((a - NEUTRAL_DEG for a in self.flexes), default=0.0)
        return {"plantarflexion": round(plantar, 1), "dorsiflexion": round(dorsi, 1)}


class ToePoints(FootExercise):
    """Streaming analyser for toe points, for a camera at the person's side.

    Whether the track shows toe points (see `detect`) is decided with these settings:

    min_reps: repetitions that fit the exercise, at least (2): one swing of the ankle
        happens in many movements; toe points are a foot pointed and flexed again and again.
    max_knee_share: during a repetition the knee's angle changes by at most this share of
        the ankle's swing (0.5). Pointing the foot moves only the ankle; in a stride or a
        squat the knee bends more than the ankle does (about 60 degrees against 30).
    max_body_movement: the other foot's movement about the hips while pointing, at most this
        many shank lengths (0.15, about 6 cm; `crampcoach.motion.stillness`). Standing
        on one leg the hips sway over the standing foot by 1 to 3 cm (0.03 to 0.08);
        a step, a jumping jack or a squat moves them by 10 cm and more.
    """

    exercise = "toe-points"
    view = "side"

    def __init__(
        self,
        *,
        side: Side | None = None,
        min_reps: int = 2,
        max_knee_share: float = 0.5,
        max_body_movement: float = 0.15,
    ) -> None:
        super().__init__(side=side)
        self.min_reps = min_reps
        self.max_knee_share = max_knee_share
        self.max_body_movement = max_body_movement
        self.ankles = {s: _Ankle() for s in SIDES}
        self.body = BodyTrack()
        self.knees: dict[Side, list[tuple[float, float]]] = {s: [] for s in SIDES}

    def activity(self, side: Side) -> float:
        return self.ankles[side].movement

    def _angle(self, frame: Frame, side: Side) -> float | None:
        _hip, knee, ankle, heel, toe, _shoulder = leg(side)
        points = _leg_points(frame, side, (knee, ankle, heel, toe))
        if points is None:
            return None
        return angle_deg(points.ankle - points.knee, points.toe - points.heel)

    def _knee(self, frame: Frame, side: Side) -> float | None:
        hip, knee, ankle, _heel, _toe, _shoulder = leg(side)
        points = _leg_points(frame, side, (hip, knee, ankle))
        if points is None:
            return None
        return angle_deg(points.hip - points.knee, points.ankle - points.knee)

    def update(self, frame: Frame) -> Feedback:
        self.begin(frame)
        self.body.update(frame)
        events: list[str] = []
        usable = False
        for s in SIDES:
            angle = self._angle(frame, s)
            if angle is None or angle != angle:
                continue
            usable = True
            knee = self._knee(frame, s)
            if knee is not None and knee == knee:
                self.knees[s].append((frame.t, knee))
            reps = self.ankles[s].update(frame.t, angle)
            if reps and s == self.side:
                events.extend(["rep"] * reps)
        hint = self.hint(frame.t, usable)
        ankle = self.ankles[self.side]
        return Feedback(
            t=frame.t,
            side=self.side,
            counts={"reps": len(ankle.reps), **ankle.range_of_motion()},
            events=tuple(events),
            value=None if ankle.angle is None else round(NEUTRAL_DEG - ankle.angle, 1),
            hint=hint,
        )

    def _knee_change(self, side: Side, start: float, end: float) -> float | None:
        """How far the knee's angle moved between two moments (smoothed as the ankle's)."""
        inside = [(t, a) for t, a in self.knees[side] if start - LAG_S <= t <= end + LAG_S]
        if len(inside) < 4:
            return None
        times = np.array([t for t, _ in inside])
        angles = np.array([a for _, a in inside])
        judged = times[(times >= start) & (times <= end)]
        if len(judged) < 2:
            return None
        smooth = [
            float(np.average(angles, weights=np.exp(-0.5 * ((times - t) / SMOOTH_S) ** 2)))
            for t in judged
        ]
        return max(smooth) - min(smooth)

    def detect(self) -> Detection:
        """Toe points were made: at least `min_reps` repetitions in which the foot moved
        at the ankle, the knee kept its angle and the other foot kept still."""
        side = self.side
        spans = self.ankles[side].spans
        if len(spans) < self.min_reps:
            return Detection.missing(
                "no toe points seen: the foot did not point and flex", reps_seen=len(spans)
            )
        knee_shares = []
        for start, end, swing in spans:
            change = self._knee_change(side, start, end)
            knee_shares.append(0.0 if change is None else change / swing)
        still_knee = [
            (a, b)
            for (a, b, _), k in zip(spans, knee_shares, strict=True)
            if k <= self.max_knee_share
        ]
        body_moves = [self.body.body_movement(side, [span]) for span in still_knee]
        fitting = [b for b in body_moves if b is None or b <= self.max_body_movement]
        evidence = {
            "reps_seen": len(spans),
            "knee_share": float(np.median(knee_shares)),
            "reps_fitting": len(fitting),
        }
        if len(still_knee) < self.min_reps:
            return Detection.missing(
                "no toe points seen: the knee bent with the ankle (a step or a squat?)",
                **evidence,
            )
        if len(fitting) < self.min_reps:
            return Detection.missing(
                "no toe points seen: the body moved with the foot (walking or jumping?)", **evidence
            )
        return Detection.seen(**evidence)

    def result(self) -> dict[str, Any]:
        for each in self.ankles.values():
            each.flush()
        ankle = self.ankles[self.side]
        detection = self.detection()
        if not detection.detected:
            return self.summary(
                detection,
                reps=0,
                range_of_motion_deg={"plantarflexion": None, "dorsiflexion": None},
                events=[],
            )
        return self.summary(
            detection,
            reps=len(ankle.reps),
            range_of_motion_deg=ankle.range_of_motion(),
            events=ankle.reps,
        )


def _leg_points(frame: Frame, side: Side, need: tuple[int, ...]) -> LegPoints | None:
    """The leg's points (world when the track has them, else the image's), when `need` is
    seen. From the side, the far foot is partly hidden: MediaPipe still places it well,
    with a lower visibility, so a lower bar than the default."""
    seen = FAR_SIDE_VISIBILITY
    return world_leg(frame, side, need=need, min_visibility=seen) or image_leg(
        frame, side, need=need, min_visibility=seen
    )
