"""Ankle circles: full circles of the toes counted per direction, in the person's own sense.

Each foot's line, toe tip minus heel, is followed (it turns with the foot about the ankle;
lifting the leg or swaying hardly moves it) by one `CircleCounter`, which gives the live
count and, at the end, the final one (`crampcoach.motion.circle_counter`). An unfinished
last circle is not counted.

Whether the movement is ankle circles at all is one judgement (`detect`) for the live view
and the result: until it has said yes, the live count stays at 0 (the way the foot turns
is still shown), so a count is never shown for a letter's curves or a fidget and then
taken back. It is asked while the counter has circles to show, each half circle it sees
turned, on the path just seen; once it has said yes it stands (the result keeps it even if
the whole path, judged at the end, would not).

Direction (ARCHITECTURE.md): the person's clockwise (toes up, then to their right, down,
left) appears counterclockwise in the raw camera image: the angle atan2(-y, x) increases.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from crampcoach.motion.circle_counter import CircleCounter
from crampcoach.motion.circle_sets import CircleParams
from crampcoach.motion.detection import Detection
from crampcoach.motion.exercise import FootExercise
from crampcoach.motion.feedback import Feedback
from crampcoach.motion.filters import Ema
from crampcoach.motion.landmarks import SIDES, Side, leg
from crampcoach.motion.points import image_leg
from crampcoach.motion.stillness import BodyTrack
from crampcoach.motion.track import Frame
from crampcoach.motion.turning import RATES_HZ, foot_circling

# The live judgement is asked again each half circle turned while a count waits for it.
# Settle delay p95 on the first 30 tracks of benchmark suite 2: asked at each new circle
# 1.72 s (seed 100, clean: its first circle shown 2.65 s after complete), each half circle
# 1.63 s (1.95 s), every recheck (0.2 s) 1.55 s, asking twice as often or more, 25 ms each.
ASK_EVERY_TURNS = 0.5


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
        params: CircleParams | None = None,
    ) -> None:
        super().__init__(side=side)
        self.min_turns = min_turns
        self.min_share = min_share
        self.window_circles = window_circles
        self.max_body_movement = max_body_movement
        self.counters = {s: CircleCounter(params) for s in SIDES}
        self.chosen: Side | None = None  # the foot whose count is shown
        self.shank = {s: Ema(3.0) for s in SIDES}  # its length on screen, image units
        self.seen_t: dict[Side, float] = {}
        self.lift = Ema(0.5)
        self.body = BodyTrack()
        self.circling: Detection | None = None  # the judgement once it said yes
        self._asked: dict[Side, float] = dict.fromkeys(SIDES, 0.0)  # turns when last asked
        self._shown: tuple[Side, dict[str, int]] | None = None  # the last feedback's

    def activity(self, side: Side) -> float:
        return self.counters[side].turned

    @property
    def side(self) -> Side:
        """The given foot, else the one circling: the first to turn, until the other has
        turned a whole circle more (a count shown is not swapped for the other foot's on a
        moment's doubt)."""
        if self.fixed_side is not None:
            return self.fixed_side
        best = max(SIDES, key=self.activity)
        chosen = self.chosen
        if chosen is None or self.activity(best) >= self.activity(chosen) + 1.0:
            chosen = best if self.activity(best) > 0 else None
        self.chosen = chosen
        return chosen or best

    @property
    def recent_s(self) -> float:
        """The path the live judgement looks at: `min_turns` circles at the slowest rate
        counted, with the turning window's reach (3 sigma) on both sides."""
        return (self.min_turns + 6 * self.window_circles) / float(RATES_HZ.min())

    def update(self, frame: Frame) -> Feedback:
        self.begin(frame)
        self.body.update(frame)
        usable = False
        ankles: dict[Side, np.ndarray] = {}
        for s in SIDES:
            _hip, knee, ankle, heel, toe, _shoulder = leg(s)
            points = image_leg(frame, s, need=(knee, ankle, heel, toe))
            if points is None:
                continue
            usable = True
            ankles[s] = points.ankle
            # Kept in image units: the shank's length on screen changes as the leg moves,
            # and dividing by it would move the loop's centre; sizes are in shank lengths.
            dt = frame.t - self.seen_t.get(s, frame.t)
            self.seen_t[s] = frame.t
            shank = float(self.shank[s](np.array([points.shank]), dt)[0])
            counter = self.counters[s]
            min_radius = counter.params.min_loop * shank
            counter.update(frame.t, points.toe - points.heel, min_radius)
        hint = self.hint(frame.t, usable)
        side = self.side
        counter = self.counters[side]
        counts, events = self._live(side, frame.t)
        if hint is None and len(ankles) == 2 and counter.turned > 0:
            hint = self._lift_hint(side, ankles)
        other: Side = "left" if side == "right" else "right"
        if hint is None and self.activity(other) >= self.activity(side) + 1.0:
            hint = f"circle your {side} foot: the {other} one is turning"
        return Feedback(
            t=frame.t,
            side=side,
            counts=counts,
            events=events,
            # rad/s, > 0 the person's clockwise: the way the open set turns, 0 when none
            value=round(2 * math.pi * counter.turning, 3),
            hint=hint,
        )

    def _live(self, side: Side, t: float) -> tuple[dict[str, int], tuple[str, ...]]:
        """The count shown and the circles newly shown: the counter's, once the movement
        is judged ankle circles (asked again each half circle the counter sees turned)."""
        counter = self.counters[side]
        counted = counter.shown
        if (
            self.circling is None
            and sum(counted.values()) > 0
            and counter.turned >= self._asked[side] + ASK_EVERY_TURNS
        ):
            self._asked[side] = counter.turned
            judged = self._judge(since=t - self.recent_s)
            self.circling = judged if judged.detected else None
        counts = dict(counted) if self.circling else dict.fromkeys(counted, 0)
        before = self._shown[1] if self._shown and self._shown[0] == side else counts
        self._shown = (side, counts)
        new = (f"circle:{way}" for way in counts for _ in range(counts[way] - before[way]))
        return counts, tuple(new)

    def _lift_hint(self, side: Side, ankles: dict[Side, np.ndarray]) -> str | None:
        other: Side = "left" if side == "right" else "right"  # the standing foot
        shank = self.shank[side].value
        if shank is None or float(shank[0]) <= 0:
            return None
        # y grows downwards: a lifted foot's ankle sits higher (smaller y) than the other.
        lift = float(self.lift(np.array([ankles[other][1] - ankles[side][1]]), 0.05)[0])
        if lift < 0.03 * float(shank[0]):
            return "lift your foot a little higher"
        return None

    def result(self) -> dict[str, Any]:
        for counter in self.counters.values():
            counter.finish()
        side = self.side
        counter = self.counters[side]
        detection = self.detection()
        if not detection.detected:
            return self.summary(
                detection, circles={"clockwise": 0, "counterclockwise": 0}, events=[]
            )
        return self.summary(detection, circles=dict(counter.shown), events=counter.events)

    def detect(self) -> Detection:
        """Ankle circles were made: judged on the whole path, or live, when that said yes
        (the count shown stands)."""
        whole = self._judge()
        return self.circling if self.circling and not whole.detected else whole

    def _judge(self, since: float = -math.inf) -> Detection:
        """The foot's line turned steadily one way for at least `min_turns` circles in a
        row (on the path from `since`), with the rest of the body still."""
        side = self.side
        runs = foot_circling(
            self.body,
            side,
            min_share=self.min_share,
            window_circles=self.window_circles,
            since=since,
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
