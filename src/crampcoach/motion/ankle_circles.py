"""Ankle circles: full circles of the toes counted per direction, in the person's own sense.

The foot's line, toe tip minus heel, is followed live (it turns with the foot about the
ankle; lifting the leg or swaying hardly moves it), judged LAG_S late so the
path on both sides of each moment is known. At each moment a local spectrum of the
whitened path (Gaussian-windowed demodulation at a range of turning rates, both ways)
says whether the toe is circling (one turning clearly above the rest, not a line, the
toe moving) and at what rate; the phase of that turning is followed from moment to
moment, across lost frames at the rate found. A run of circles one way is counted live:
the k-th once the run has turned k - SLACK_TURNS turns. When the run ends (a pause, a
change of direction) its count is settled on its path (`circle_sets`), and at the end
of the track every count is settled on the whole path, so where a set starts and ends is
judged once, with the path after it known. An unfinished last circle is not counted.

Direction (ARCHITECTURE.md): the person's clockwise (toes up, then to their right, down,
left) appears counterclockwise in the raw camera image: the angle atan2(-y, x) increases.
Whitening keeps the sense of turning, so it cannot swap directions.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Any

import numpy as np

from crampcoach.motion.circle_sets import FULL_TURN, SLACK_TURNS, circle_sets
from crampcoach.motion.detection import Detection
from crampcoach.motion.exercise import FootExercise
from crampcoach.motion.feedback import Feedback
from crampcoach.motion.filters import Ema, Median3, wrap_angle
from crampcoach.motion.landmarks import SIDES, Side, leg
from crampcoach.motion.points import image_leg
from crampcoach.motion.stillness import BodyTrack
from crampcoach.motion.track import Frame
from crampcoach.motion.turning import foot_circling

LAG_S = 1.2  # path known after a point before it is judged
BEFORE_S = 1.2  # ... and before it
SMOOTH_S = 0.06  # Gaussian smoothing of the path (sigma)
MIN_LOOP = 0.02  # shank lengths (about 1 cm): a smaller loop is not a circle
DECIDE_TURNS = 0.25  # turning this far one way sets a run's direction
REVERSE_TURNS = 0.5  # turning back this far starts a run the other way
RESET_S = 2.0  # not circling this long: what turned before no longer counts
SETTLE_MARGIN_S = 2.0  # a run's count is settled on its path and this much around it
MAX_RATE_CHANGE = 1.6  # circling on changes its rate by less than this factor
BRIDGE_S = 0.8  # an unclear stretch this short is taken as circling on at the same rate
START_FACTOR = 3.2  # to start, the turning must stand this far above the local spectrum
KEEP_FACTOR = 2.0  # ... and to go on, this far
KEEP_MIRROR = 0.9
CYCLES_SIGMA = 0.45  # the phase filter's Gaussian width, in circles
FREQUENCIES = np.geomspace(0.45, 2.6, 8)  # circles a second that can be counted
MIN_MOTION = 0.3  # of the speed the turning implies: slower, the toe is at rest
MAX_MIRROR = 0.6  # the opposite turning's share: a line (a lift, a kick) has as much of both


class _Window:
    """The path around one judged point: smoothed, centred, whitened, with its jitter."""

    def __init__(self, times: np.ndarray, points: np.ndarray, judged: int) -> None:
        self.times = times
        self.judged = judged
        self.raw = points
        # The toe's speed at the judged point: the derivative of a Gaussian around it.
        gaps = times - times[judged]
        weights = np.exp(-0.5 * (gaps / SMOOTH_S) ** 2)
        slope = weights * gaps
        spread = float(slope @ gaps)
        velocity = (slope @ (points - weights @ points / weights.sum())) / spread if spread else 0
        self.speed = float(np.hypot(*velocity)) if spread else 0.0
        # Jitter, from second differences (a circle's own bend is small beside it).
        second = points[2:] - 2 * points[1:-1] + points[:-2] if len(points) > 4 else points * 0
        self.noise = 1.4826 * float(np.median(np.abs(second))) / math.sqrt(6) if len(second) else 0
        centred = points - points.mean(axis=0)
        values, vectors = np.linalg.eigh(centred.T @ centred / len(centred))
        values = np.maximum(values, 0.0)
        floor = max(self.noise, 1e-4) ** 2
        self.size = math.sqrt(max(float(values.sum()) - 2 * self.noise**2, 0.0))
        self.whiten = vectors @ np.diag((values + floor) ** -0.5) @ vectors.T

    def strongest_turning(self) -> tuple[float, complex, complex, float]:
        """At the judged point, the turning frequency (signed, + for the person's
        clockwise) that the raw path shows most strongly, from a Gaussian-windowed
        demodulation (a local spectrum: jitter averages out): (hz, its complex amplitude,
        the opposite turning's amplitude, the amplitude jitter alone would give)."""
        gaps = self.times - self.times[self.judged]
        hz = np.concatenate([FREQUENCIES, -FREQUENCIES])
        sigma = CYCLES_SIGMA / np.abs(hz)
        weights = np.exp(-0.5 * (gaps[None, :] / sigma[:, None]) ** 2)
        weights /= weights.sum(axis=1, keepdims=True)
        white = self.raw @ self.whiten.T  # an ellipse seen at an angle becomes a circle
        z = white[:, 0] - 1j * white[:, 1]  # y points down in the image
        z = z[None, :] - (weights @ z)[:, None]
        turn = np.exp(-2j * math.pi * hz[:, None] * gaps[None, :])
        ahead = (weights * z * turn).sum(axis=1)
        mirror = (weights * z * np.conj(turn)).sum(axis=1)
        best = int(np.argmax(np.abs(ahead)))
        floor = float(np.median(np.concatenate([np.abs(ahead), np.abs(mirror)])))
        return float(hz[best]), complex(ahead[best]), complex(mirror[best]), floor


class _Run:
    """Circles in one direction, counted live from where the turning began: the k-th
    counts once the turning reaches k - SLACK_TURNS turns. When the run ends, its count
    is settled on its path (see `circle_sets`)."""

    def __init__(self, anchor: float, start_t: float | None = None) -> None:
        self.anchor = anchor
        self.sign = 0  # +1 clockwise (the person's), -1 counterclockwise, 0 not yet known
        self.done = 0
        self.furthest = 0.0
        self.start_t = start_t  # its first circling moment
        self.furthest_t = start_t
        self.last_t = start_t

    @property
    def name(self) -> str:
        return "clockwise" if self.sign > 0 else "counterclockwise"

    def progress(self, theta: float) -> float:
        return self.sign * (theta - self.anchor) / FULL_TURN

    def update(self, theta: float, t: float) -> int:
        """New circles counted live (0 or more)."""
        if self.start_t is None:
            self.start_t = self.furthest_t = t
        self.last_t = t
        if self.sign == 0:
            if abs(theta - self.anchor) < DECIDE_TURNS * FULL_TURN:
                return 0
            self.sign = 1 if theta > self.anchor else -1
        progress = self.progress(theta)
        if progress > self.furthest:
            self.furthest, self.furthest_t = progress, t
        reached = math.floor(progress + SLACK_TURNS)
        if reached <= self.done:
            return 0
        added, self.done = reached - self.done, reached
        return added

    def turned_back(self, theta: float) -> bool:
        return self.sign != 0 and self.furthest - self.progress(theta) >= REVERSE_TURNS


class _Loop:
    """The turning of one foot's toe tip."""

    def __init__(self) -> None:
        self.median = Median3()
        self.shank = Ema(3.0)
        self.times: deque[float] = deque()
        self.points: deque[np.ndarray] = deque()
        self.pending: deque[float] = deque()
        self.last_t: float | None = None
        self.theta = 0.0
        self.phi: float | None = None
        self.run = _Run(0.0)
        self.circling = False
        self.hz = 0.0
        self.followed_t: float | None = None  # the last point whose turning counted
        self.energy = 0.0
        self.events: list[dict[str, Any]] = []  # one per counted circle
        self.turning = 0.0  # recent signed angular speed (rad/s), for live feedback
        self.judged_t: float | None = None
        self.lift = Ema(0.5)
        self.scale = 1.0  # the shank's length, image units
        self.history_t: list[float] = []  # every point, to settle each run's count
        self.history_p: list[np.ndarray] = []

    @property
    def counts(self) -> dict[str, int]:
        return {
            name: sum(e["direction"] == name for e in self.events)
            for name in ("clockwise", "counterclockwise")
        }

    def update(self, t: float, toe: np.ndarray, heel: np.ndarray, shank: float) -> list[str]:
        dt = 0.0 if self.last_t is None else t - self.last_t
        self.last_t = t
        scale = float(self.shank(np.array([shank]), dt)[0])
        if scale <= 0:
            return []
        # Kept in image units: the shank's length on screen changes as the leg moves, and
        # dividing by it would move the loop's centre. Sizes are compared in shank lengths.
        foot = toe - heel
        point = self.median(foot).copy()
        self.scale = scale
        self.times.append(t)
        self.points.append(point)
        self.history_t.append(t)
        self.history_p.append(foot)  # circle_sets removes single-frame outliers itself
        self.pending.append(t)
        return self._judge(now=t)

    def flush(self) -> list[str]:
        """Judge the points still waiting for their lag and settle every count (at the
        end of a track)."""
        events = self._judge(now=math.inf)
        self.run = _Run(self.theta)
        self.settle()
        return events

    def _close(self, run: _Run, end_t: float | None) -> None:
        """Settle a finished run's count on its whole path (`circle_sets` around it);
        correct the live count."""
        if run.sign == 0 or run.start_t is None or end_t is None:
            return
        times = np.array(self.history_t)
        inside = (times >= run.start_t - SETTLE_MARGIN_S) & (times <= end_t + SETTLE_MARGIN_S)
        sets = circle_sets(
            times[inside], np.array(self.history_p)[inside], min_radius=MIN_LOOP * self.scale
        )
        settled = sum(s.full_circles for s in sets if s.direction == run.name)
        if settled > run.done:
            self.events.extend(
                {"t": round(end_t, 3), "direction": run.name} for _ in range(settled - run.done)
            )
        elif settled < run.done:  # the run's own circles are the last of their direction
            for _ in range(run.done - settled):
                last = max(i for i, e in enumerate(self.events) if e["direction"] == run.name)
                del self.events[last]
        run.done = settled

    def settle(self) -> None:
        """The final count, from the whole path: every set found on it (the live count was
        only the best guess while the path after each moment was unknown)."""
        sets = circle_sets(
            np.array(self.history_t), np.array(self.history_p), min_radius=MIN_LOOP * self.scale
        )
        self.events = [
            {"t": round(t, 3), "direction": s.direction} for s in sets for t in s.circle_ends
        ]

    def _judge(self, now: float) -> list[str]:
        events: list[str] = []
        while self.pending and self.pending[0] <= now - LAG_S:
            t = self.pending.popleft()
            while self.times and self.times[0] < t - BEFORE_S:
                self.times.popleft()
                self.points.popleft()
            times = np.array(self.times)
            upto = int(np.searchsorted(times, t + LAG_S, side="right"))
            judged = int(np.searchsorted(times, t))
            window = _Window(times[:upto], np.array(self.points)[:upto], judged)
            events.extend(self._step(t, window))
        return events

    def _step(self, t: float, window: _Window) -> list[str]:
        dt = 0.0 if self.judged_t is None else t - self.judged_t
        self.judged_t = t
        hz, ahead, mirror, jitter = window.strongest_turning()
        size = window.size / self.scale
        moving = window.speed >= MIN_MOTION * FULL_TURN * abs(hz) * window.size
        alike = (
            self.hz != 0 and hz / self.hz > 0 and max(hz / self.hz, self.hz / hz) <= MAX_RATE_CHANGE
        )
        same_way = self.circling and alike
        # Hysteresis: a circle must show clearly to start, less clearly to go on.
        factor, mirror_share = (
            (KEEP_FACTOR, KEEP_MIRROR) if same_way else (START_FACTOR, MAX_MIRROR)
        )
        circling = size >= MIN_LOOP and abs(ahead) >= factor * jitter
        circling = circling and abs(mirror) <= mirror_share * abs(ahead) and moving
        if not circling:
            self.circling = False
            self.turning *= 0.8
            if self.run.sign == 0 or t - (self.followed_t or t) >= RESET_S:
                self._close(self.run, self.run.last_t)
                self.run = _Run(self.theta)  # nothing since counts towards a circle
                self.phi = None
            return []
        phi = math.atan2(ahead.imag, ahead.real)
        self.energy += size * size * dt
        step = 0.0
        gap = t - (self.followed_t or t)
        if self.phi is not None and alike and gap <= BRIDGE_S:
            # Across lost frames or a short unclear stretch, the circling went on at its
            # rate: expect that much turning and let the phase say the rest.
            expected = FULL_TURN * 0.5 * (hz + self.hz) * gap
            step = expected + wrap_angle(phi - self.phi - expected)
        self.hz = hz
        self.phi, self.circling = phi, True
        self.theta += step
        self.followed_t = t
        if dt > 0:
            self.turning = 0.7 * self.turning + 0.3 * (step / dt)
        if self.run.turned_back(self.theta):  # the other way now, from the turning point
            old = self.run
            self._close(old, old.furthest_t)
            turning_point = old.anchor + old.sign * old.furthest * FULL_TURN
            self.run = _Run(turning_point, start_t=old.furthest_t)
        added = self.run.update(self.theta, t)
        for _ in range(added):
            self.events.append({"t": round(t, 3), "direction": self.run.name})
        return [self.run.name] * added


class AnkleCircles(FootExercise):
    """Streaming analyser for ankle circles, for a camera in front of the person.

    Whether the track shows ankle circles at all (`detect`) is decided apart from the
    count, by `crampcoach.motion.turning`: the foot's line turning steadily one way for at
    least `min_turns` circles in a row (judged with `min_share` and `window_circles`),
    with the other foot's movement about the hips at most `max_body_movement` shank
    lengths (walking and jumping move the whole body).
    """

    exercise = "ankle-circles"
    view = "front"

    def __init__(
        self,
        *,
        side: Side | None = None,
        min_turns: float = 2.0,
        min_share: float = 0.7,
        window_circles: float = 0.5,
        max_body_movement: float = 0.15,
    ) -> None:
        super().__init__(side=side)
        self.min_turns = min_turns
        self.min_share = min_share
        self.window_circles = window_circles
        self.max_body_movement = max_body_movement
        self.loops = {s: _Loop() for s in SIDES}
        self.body = BodyTrack()

    def activity(self, side: Side) -> float:
        return self.loops[side].energy

    def update(self, frame: Frame) -> Feedback:
        self.begin(frame)
        self.body.update(frame)
        events: list[str] = []
        usable = False
        ankles: dict[Side, np.ndarray] = {}
        for s in SIDES:
            _hip, knee, ankle, heel, toe, _shoulder = leg(s)
            points = image_leg(frame, s, need=(knee, ankle, heel, toe))
            if points is None:
                continue
            usable = True
            ankles[s] = points.ankle
            counted = self.loops[s].update(frame.t, points.toe, points.heel, points.shank)
            if s == self.side:
                events.extend(f"circle:{direction}" for direction in counted)
        hint = self.hint(frame.t, usable)
        side = self.side
        if hint is None and len(ankles) == 2 and self.loops[side].energy > 0:
            hint = self._lift_hint(side, ankles)
        loop = self.loops[side]
        return Feedback(
            t=frame.t,
            side=side,
            counts=dict(loop.counts),
            events=tuple(events),
            value=round(loop.turning, 3),  # rad/s; > 0 turning clockwise (the person's)
            hint=hint,
        )

    def _lift_hint(self, side: Side, ankles: dict[Side, np.ndarray]) -> str | None:
        other: Side = "left" if side == "right" else "right"
        shank = self.loops[side].shank.value
        if shank is None or float(shank[0]) <= 0:
            return None
        # y grows downwards: a lifted foot's ankle sits higher (smaller y) than the other.
        lift = float(self.loops[side].lift(np.array([ankles[other][1] - ankles[side][1]]), 0.05)[0])
        if lift < 0.03 * float(shank[0]):
            return "lift your foot a little higher"
        return None

    def result(self) -> dict[str, Any]:
        for loop in self.loops.values():
            loop.flush()
        side = self.side
        loop = self.loops[side]
        detection = self.detection()
        if not detection.detected:
            return self.summary(
                detection, circles={"clockwise": 0, "counterclockwise": 0}, events=[]
            )
        return self.summary(detection, circles=dict(loop.counts), events=loop.events)

    def detect(self) -> Detection:
        """Ankle circles were made: the foot's line turned steadily one way for at least
        `min_turns` circles in a row, with the rest of the body still."""
        side = self.side
        runs = foot_circling(
            self.body, side, min_share=self.min_share, window_circles=self.window_circles
        )
        longest = max((abs(r.turns) for r in runs), default=0.0)
        circling = [r for r in runs if abs(r.turns) >= self.min_turns]
        if not circling:
            return Detection.missing("no foot circling seen", longest_run_turns=longest)
        turns = sum(abs(r.turns) for r in circling)
        moved = self.body.body_movement(side, [(r.start_t, r.end_t) for r in circling])
        if moved is not None and moved > self.max_body_movement:
            return Detection.missing(
                "no ankle circles seen: the body moved with the foot (walking or jumping?)",
                circling_turns=turns,
                body_movement=moved,
            )
        return Detection.seen(circling_turns=turns, body_movement=moved)
