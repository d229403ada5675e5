"""Toe writing: the toe tip's path split into one attempt per prompted letter.

With the prompt times (live, from the player's timeline; or given with a file), each
letter's attempt is the movement between its prompt and the next one. Without them, the
path is split at pauses: a letter is a burst of movement, and letters follow in order.
Each attempt gets its start, end, duration and size (width and height of the toe's path
relative to the knee). Sizes are in centimetres from metric world landmarks when the
track has them, else estimated from the shank's length in the image (ESTIMATED_SHANK_CM).
Recognising the letters is not attempted: the person sees that they moved through the
alphabet, and how big and how long each letter was.
"""

from __future__ import annotations

import math
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from crampcoach.motion.exercise import FootExercise
from crampcoach.motion.feedback import Feedback
from crampcoach.motion.filters import Ema, Median3
from crampcoach.motion.landmarks import SIDES, Side, leg
from crampcoach.motion.points import image_leg, world_leg
from crampcoach.motion.track import Frame

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


class ToeWriting(FootExercise):
    """Streaming analyser for toe writing, for a camera in front of the person."""

    exercise = "toe-writing"
    view = "front"

    def __init__(
        self,
        *,
        side: Side | None = None,
        prompts: Sequence[tuple[str, float]] | None = None,
        letters: str = ALPHABET,
    ) -> None:
        super().__init__(side=side)
        self.prompts = sorted(prompts or [], key=lambda p: p[1])
        self.letters = letters
        self.toes = {s: _Toe() for s in SIDES}
        self.attempts: list[_Attempt] = []
        self.current: _Attempt | None = None
        self.moving = False
        self.still_since: float | None = None
        self.world = False
        self._next_prompt = 0

    def activity(self, side: Side) -> float:
        return self.toes[side].travel

    def _letter(self, index: int) -> str:
        return self.letters[index] if index < len(self.letters) else f"#{index + 1}"

    def _close(self, events: list[str]) -> None:
        if self.current is not None:
            self.attempts.append(self.current)
            events.append(f"letter:{self.current.letter}")
            self.current = None

    def _follow_prompts(self, t: float, events: list[str]) -> None:
        while self._next_prompt < len(self.prompts) and self.prompts[self._next_prompt][1] <= t:
            self._close(events)
            letter, prompt_t = self.prompts[self._next_prompt]
            self.current = _Attempt(letter, prompt_t)
            self._next_prompt += 1

    def update(self, frame: Frame) -> Feedback:
        self.begin(frame)
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

    def result(self) -> dict[str, Any]:
        attempts = list(self.attempts)
        if self.current is not None and self.current.points:
            attempts.append(self.current)
        if self.prompts:  # every prompted letter is listed, moved or not
            prompted = {a.prompt_t: a for a in attempts}
            attempts = [prompted.get(t) or _Attempt(letter, t) for letter, t in self.prompts]
        letters = [a.summary(estimated=not self.world) for a in attempts]
        durations = [x["duration_s"] for x in letters if x["moved"]]
        return self.summary(
            letters=letters,
            letters_moved=sum(1 for x in letters if x["moved"]),
            median_letter_s=round(float(np.median(durations)), 2) if durations else 0.0,
            split="prompts" if self.prompts else "pauses",
        )


def even_prompts(
    start_s: float, every_s: float, letters: str = ALPHABET
) -> list[tuple[str, float]]:
    """Prompt times for letters shown every `every_s` seconds from `start_s`."""
    if not math.isfinite(every_s) or every_s <= 0:
        raise ValueError("every_s must be a positive number of seconds")
    return [(letter, start_s + i * every_s) for i, letter in enumerate(letters)]
