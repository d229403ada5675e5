"""Toe writing: the toe tip's path split into one attempt per prompted letter.

With the prompt times (live, from the player's timeline; or given with a file), each
letter's attempt is the movement between its prompt and the next one. Without them, the
result groups the toe's whole path into letters by their extent and timing
(`crampcoach.motion.letter_segments`); live, a letter is counted at each pause (the count
shown while writing; the result's grouping replaces it at the end).
Each attempt gets its start, end, duration and size (width and height of the toe's path
relative to the knee). Sizes are in centimetres from metric world landmarks when the
track has them, else estimated from the shank's length in the image (ESTIMATED_SHANK_CM).
Each attempt is also read as a letter (`crampcoach.motion.letter_recogniser`, a $P
point-cloud recogniser): `recognised` and its `score` (0..1), and with prompts
`matches_prompt`; live, a closed attempt sends `recognised:X` so the page can tick it.

Whether the track shows toe writing (`detected`) is decided from the movement in the
attempts: long enough for a letter, the other foot still while the toe writes, and not
one circle after another (that is ankle circles, `crampcoach.motion.turning`).
"""

from __future__ import annotations

import math
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from crampcoach.motion.detection import Detection
from crampcoach.motion.exercise import FootExercise
from crampcoach.motion.feedback import Feedback
from crampcoach.motion.filters import Ema, Median3
from crampcoach.motion.landmarks import SIDES, Side, leg
from crampcoach.motion.letter_recogniser import recognise
from crampcoach.motion.letter_segments import letters as letter_spans
from crampcoach.motion.letter_segments import smooth
from crampcoach.motion.points import image_leg, world_leg
from crampcoach.motion.stillness import BodyTrack
from crampcoach.motion.track import Frame
from crampcoach.motion.turning import foot_circling

ALPHABET = string.ascii_uppercase
ESTIMATED_SHANK_CM = 42.0  # knee to ankle of an adult, when the track has no world landmarks
MOVING = 0.30  # toe speed, shank lengths per second, that starts a movement
STILL = 0.15  # ... and below which it is still (hysteresis)
PAUSE_S = 0.30  # still this long ends a letter (when splitting at pauses)
MIN_LETTER_S = 0.35  # a burst shorter than this joins its neighbour
SPEED_WINDOW_S = 0.2
GAP_S = 0.5


@dataclass
class _Attempt:
    letter: str
    prompt_t: float | None
    points: list[np.ndarray] = field(default_factory=list)  # toe - knee, shank units
    times: list[float] = field(default_factory=list)
    cm_per_unit: list[float] = field(default_factory=list)

    def add(self, t: float, point: np.ndarray, cm_per_unit: float) -> None:
        self.times.append(t)
        self.points.append(point)
        self.cm_per_unit.append(cm_per_unit)

    def reading(self) -> dict[str, Any]:
        """Which letter the path looks like (`crampcoach.motion.letter_recogniser`)."""
        if len(self.points) < 3:
            return {"recognised": None, "score": 0.0}
        times = np.array(self.times)
        path = smooth(times, np.array(self.points)) * [-1.0, -1.0]  # image -> writer's view
        steps = np.linalg.norm(np.diff(path, axis=0), axis=1) / np.maximum(np.diff(times), 1e-3)
        # The slowest moment early on ends the move from the previous letter (tried with
        # and without it). Trying a move back to rest at the end too was measured worse
        # (R read as P without its leg): 0.60 against 0.64 top-1 on 104 clean letters.
        early = int(0.4 * len(steps))
        lead_in = int(np.argmin(steps[1:early])) + 1 if early > 2 else 0
        found = recognise(path, lead_in=lead_in)
        return {"recognised": found.letter, "score": found.score}

    def summary(self, *, estimated: bool) -> dict[str, Any]:
        path = np.array(self.points) if self.points else np.zeros((0, 2))
        scale = float(np.median(self.cm_per_unit)) if self.cm_per_unit else 0.0
        width = float(np.ptp(path[:, 0])) * scale if len(path) else 0.0
        height = float(np.ptp(path[:, 1])) * scale if len(path) else 0.0
        start = self.times[0] if self.times else None
        end = self.times[-1] if self.times else None
        return {
            "letter": self.letter,
            "prompted_s": None if self.prompt_t is None else round(self.prompt_t, 3),
            "start_s": None if start is None else round(start, 3),
            "end_s": None if end is None else round(end, 3),
            "duration_s": 0.0 if start is None or end is None else round(end - start, 2),
            "width_cm": round(width, 1),
            "height_cm": round(height, 1),
            "size_estimated": estimated,
            "moved": bool(self.points),
            **self.reading(),
        }


class _Toe:
    """One foot's toe tip relative to its knee: smoothed position and speed."""

    def __init__(self) -> None:
        self.median = Median3()
        self.smooth = Ema(0.08)
        self.shank = Ema(3.0)
        self.last_t: float | None = None
        self.recent: list[tuple[float, np.ndarray]] = []
        self.centre = Ema(2.0)
        self.travel = 0.0  # movement about its own slow mean, shank units: finds the foot
        self.point: np.ndarray | None = None
        self.speed = 0.0
        self.history: list[tuple[float, np.ndarray]] = []  # (t, point): for the letters

    def update(self, t: float, toe: np.ndarray, knee: np.ndarray, shank: float) -> None:
        if self.last_t is not None and t - self.last_t > GAP_S:
            self.median.reset()
            self.smooth.reset()
            self.recent.clear()
        dt = 0.0 if self.last_t is None else t - self.last_t
        self.last_t = t
        scale = float(self.shank(np.array([shank]), dt)[0])
        if scale <= 0:
            return
        point = self.smooth(self.median((toe - knee) / scale), dt).copy()
        self.recent.append((t, point))
        while len(self.recent) > 2 and self.recent[0][0] < t - SPEED_WINDOW_S:
            self.recent.pop(0)
        span = self.recent[-1][0] - self.recent[0][0]
        if span > 0:
            self.speed = float(np.linalg.norm(self.recent[-1][1] - self.recent[0][1])) / span
        # Jitter adds its (small) variance; writing adds the letters' size, squared.
        self.travel += float(np.sum((point - self.centre(point, dt)) ** 2)) * dt
        self.point = point
        self.history.append((t, point))


class ToeWriting(FootExercise):
    """Streaming analyser for toe writing, for a camera in front of the person.

    Whether the track shows toe writing (see `detect`) is decided with these settings:

    min_writing_s: seconds of the toe moving in the attempts, at least (1.5): a letter's
        worth (the quickest capital letters written with the foot take about that long).
    max_body_movement: the other foot's movement about the hips while writing, at most this
        many shank lengths (0.15, about 6 cm; `crampcoach.motion.stillness`). Standing
        on one leg the hips sway over the standing foot by 1 to 3 cm (0.03 to 0.08);
        a step, a jumping jack or a squat moves them by 10 cm and more.
    max_turns_in_a_row: the toe may go round one way at most this many times in a row (3):
        a letter's loop goes round once (an O, the bowl of a B; an @ one and a half), while
        ankle circles go round circle after circle. `circle_share` and `window_circles`
        judge that turning as ankle circles' `min_share` and `window_circles` do.
    """

    exercise = "toe-writing"
    view = "front"

    def __init__(
        self,
        *,
        side: Side | None = None,
        prompts: Sequence[tuple[str, float]] | None = None,
        letters: str = ALPHABET,
        min_writing_s: float = 1.5,
        max_body_movement: float = 0.15,
        max_turns_in_a_row: float = 3.0,
        circle_share: float = 0.7,
        window_circles: float = 0.5,
    ) -> None:
        super().__init__(side=side)
        self.min_writing_s = min_writing_s
        self.max_body_movement = max_body_movement
        self.max_turns_in_a_row = max_turns_in_a_row
        self.circle_share = circle_share
        self.window_circles = window_circles
        self.body = BodyTrack()
        self.prompts = sorted(prompts or [], key=lambda p: p[1])
        self.letters = letters
        self.toes = {s: _Toe() for s in SIDES}
        self.attempts: list[_Attempt] = []
        self.current: _Attempt | None = None
        self.moving = False
        self.still_since: float | None = None
        self.world = False
        self._next_prompt = 0
        self.cm_per_unit: dict[Side, list[float]] = {s: [] for s in SIDES}

    def activity(self, side: Side) -> float:
        return self.toes[side].travel

    def _letter(self, index: int) -> str:
        return self.letters[index] if index < len(self.letters) else f"#{index + 1}"

    def _close(self, events: list[str]) -> None:
        if self.current is not None:
            self.attempts.append(self.current)
            events.append(f"letter:{self.current.letter}")
            found = self.current.reading()["recognised"]
            if found is not None:  # the page ticks the letter it shows when they agree
                events.append(f"recognised:{found}")
            self.current = None

    def _follow_prompts(self, t: float, events: list[str]) -> None:
        while self._next_prompt < len(self.prompts) and self.prompts[self._next_prompt][1] <= t:
            self._close(events)
            letter, prompt_t = self.prompts[self._next_prompt]
            self.current = _Attempt(letter, prompt_t)
            self._next_prompt += 1

    def update(self, frame: Frame) -> Feedback:
        self.begin(frame)
        self.body.update(frame)
        events: list[str] = []
        if self.prompts:
            self._follow_prompts(frame.t, events)
        usable = False
        scales: dict[Side, float] = {}
        for s in SIDES:
            _hip, knee, ankle, _heel, toe, _shoulder = leg(s)
            points = image_leg(frame, s, need=(knee, ankle, toe))
            if points is None:
                continue
            usable = True
            self.toes[s].update(frame.t, points.toe, points.knee, points.shank)
            metric = world_leg(frame, s, need=(knee, ankle, toe))
            if metric is not None and metric.shank > 0:
                self.world = True
                scales[s] = 100.0 * metric.shank  # cm per shank length
            else:
                scales[s] = ESTIMATED_SHANK_CM
            if len(self.cm_per_unit[s]) < len(self.toes[s].history):
                self.cm_per_unit[s].append(scales[s])
        side = self.side
        toe = self.toes[side]
        if side in scales and toe.point is not None:
            self._follow_movement(frame.t, toe, scales[side], events)
        hint = self.hint(frame.t, usable)
        letter = self.current.letter if self.current is not None else None
        return Feedback(
            t=frame.t,
            side=side,
            counts={"letters": len(self.attempts)},
            events=tuple(events),
            value=round(toe.speed, 3),
            hint=hint if hint else (None if letter is None else f"letter {letter}"),
        )

    def _follow_movement(self, t: float, toe: _Toe, scale: float, events: list[str]) -> None:
        if self.moving and toe.speed < STILL:
            self.moving, self.still_since = False, t
        elif not self.moving and toe.speed > MOVING:
            self.moving, self.still_since = True, None
        if self.prompts:
            if self.current is not None and self.moving:
                self.current.add(t, toe.point, scale)  # type: ignore[arg-type]
            return
        if self.moving:
            if self.current is None:
                self.current = _Attempt(self._letter(len(self.attempts)), None)
            self.current.add(t, toe.point, scale)  # type: ignore[arg-type]
        elif (
            self.current is not None
            and self.still_since is not None
            and t - self.still_since >= PAUSE_S
        ):
            if self.current.times[-1] - self.current.times[0] < MIN_LETTER_S:
                self._merge_short()
            else:
                self._close(events)

    def _merge_short(self) -> None:
        """A burst too short for a letter: part of the letter before it, if any."""
        short = self.current
        self.current = None
        if short is None or not self.attempts:
            return
        previous = self.attempts[-1]
        for t, p, c in zip(short.times, short.points, short.cm_per_unit, strict=True):
            previous.add(t, p, c)

    def _attempts(self) -> list[_Attempt]:
        attempts = list(self.attempts)
        if self.current is not None and self.current.points:
            attempts.append(self.current)
        return attempts

    def detect(self) -> Detection:
        """Toe writing was done: the toe moved for at least `min_writing_s` in the
        attempts, the other foot kept still, and the toe did not go round circle after
        circle."""
        side = self.side
        spans = [(a.times[0], a.times[-1]) for a in self._attempts() if a.times]
        writing = sum(end - start for start, end in spans)
        if writing < self.min_writing_s:
            return Detection.missing(
                "no toe writing seen: the toe did not move for a letter's worth of time",
                writing_s=writing,
            )
        moved = self.body.body_movement(side, spans)
        if moved is not None and moved > self.max_body_movement:
            return Detection.missing(
                "no toe writing seen: the body moved with the foot (walking or jumping?)",
                writing_s=writing,
                body_movement=moved,
            )
        circling = self._turns_in_a_row(side)
        if circling > self.max_turns_in_a_row:
            return Detection.missing(
                "no toe writing seen: the toe went round in circles, not letters",
                writing_s=writing,
                turns_in_a_row=circling,
            )
        return Detection.seen(writing_s=writing, body_movement=moved, turns_in_a_row=circling)

    def _turns_in_a_row(self, side: Side) -> float:
        """The most turns the foot made one way without stopping (judged as ankle circles
        are)."""
        runs = foot_circling(
            self.body, side, min_share=self.circle_share, window_circles=self.window_circles
        )
        return max((abs(run.turns) for run in runs), default=0.0)

    def _letters_self_paced(self) -> list[_Attempt]:
        """The side's whole path grouped into letters (`crampcoach.motion.letter_segments`)."""
        history = self.toes[self.side].history
        scales = self.cm_per_unit[self.side]
        if len(history) < 3:
            return []
        times = np.array([t for t, _ in history])
        points = np.array([p for _, p in history])
        attempts = []
        for k, (start, stop) in enumerate(letter_spans(times, points, self.letters)):
            attempt = _Attempt(self._letter(k), None)
            for i in range(start, stop):
                attempt.add(float(times[i]), points[i], scales[min(i, len(scales) - 1)])
            attempts.append(attempt)
        return attempts

    def result(self) -> dict[str, Any]:
        attempts = self._attempts() if self.prompts else self._letters_self_paced()
        detection = self.detection()
        if not detection.detected:
            attempts = []
        if self.prompts:  # every prompted letter is listed, moved or not
            prompted = {a.prompt_t: a for a in attempts}
            attempts = [prompted.get(t) or _Attempt(letter, t) for letter, t in self.prompts]
        letters = [a.summary(estimated=not self.world) for a in attempts]
        if self.prompts:
            for entry in letters:
                entry["matches_prompt"] = entry["recognised"] == entry["letter"]
        durations = [x["duration_s"] for x in letters if x["moved"]]
        return self.summary(
            detection,
            letters=letters,
            letters_moved=sum(1 for x in letters if x["moved"]),
            median_letter_s=round(float(np.median(durations)), 2) if durations else 0.0,
            split="prompts" if self.prompts else "letters",
        )


def even_prompts(
    start_s: float, every_s: float, letters: str = ALPHABET
) -> list[tuple[str, float]]:
    """Prompt times for letters shown every `every_s` seconds from `start_s`."""
    if not math.isfinite(every_s) or every_s <= 0:
        raise ValueError("every_s must be a positive number of seconds")
    return [(letter, start_s + i * every_s) for i, letter in enumerate(letters)]
