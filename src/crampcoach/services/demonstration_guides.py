"""What a demonstration shows besides the figure, read from its track and ground truth:
the working part to highlight, the side away from the camera, the foot's trail, a region
worth magnifying, labels (the letter being written, point and flex, breathing in and out)
and a few still pictures for people who prefer less motion.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crampcoach.fixtures.motion import (
    AnkleCirclesTruth,
    ChildsPoseTruth,
    SyntheticTrack,
    ToePointsTruth,
    ToeWritingTruth,
)
from crampcoach.motion.landmarks import COUNT, Side, leg


@dataclass(frozen=True)
class Still:
    """A key picture for people who prefer less motion: the figure at `frame`, the working
    foot also at `ghosts` (faded), and the trail landmark's path from `path[0]` to
    `path[1]` (frame indices) with an arrow at its end."""

    frame: int
    ghosts: tuple[int, ...] = ()
    path: tuple[int, int] | None = None
    label: str | None = None


@dataclass(frozen=True)
class Label:
    """Text shown over frames `start` to `end` (exclusive), e.g. the letter being written."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Trail:
    """The path of `landmark` drawn behind it: within each span (frame indices, end
    exclusive), over the last `seconds` (None: from the span's start)."""

    landmark: int
    seconds: float | None
    spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Closeup:
    """The working foot's surroundings, worth a magnified view: centre (x, y) in image
    coordinates and radius as a share of the image's height."""

    x: float
    y: float
    radius: float


class Guides:
    """The guides of one demonstration: `frames` are its (unrounded) frames, which begin
    at frame `shift` of `track`."""

    def __init__(
        self,
        track: SyntheticTrack,
        frames: np.ndarray,
        fps: float,
        shift: int,
        side: Side | None,
    ) -> None:
        self.track, self.frames, self.fps, self.shift, self.side = track, frames, fps, shift, side
        self.n = len(frames)

    def at(self, t: float) -> int:
        """The frame index of track time `t`, within the demonstration."""
        return int(np.clip(round(t * self.fps) - self.shift, 0, self.n - 1))

    @property
    def toe(self) -> int:
        assert self.side is not None
        return leg(self.side)[4]

    def highlight(self) -> tuple[int, ...]:
        if self.side is None:  # child's pose: the back that folds and breathes
            return (11, 12, 23, 24)
        hip, knee, ankle, heel, toe, _shoulder = leg(self.side)
        return (hip, knee, ankle, heel, toe)

    def ghost(self) -> tuple[int, ...]:
        if self.side is None:
            return ()
        _hip, _knee, ankle, heel, toe, _shoulder = leg(self.side)
        return (ankle, heel, toe)

    def far(self) -> tuple[int, ...]:
        near = self.track.camera.near_side
        if near is None:
            return ()
        first = 11 if near == "right" else 12  # the other side's shoulder, then every other
        return tuple(range(first, COUNT, 2))

    def trail(self) -> Trail | None:
        truth = self.track.truth
        if isinstance(truth, AnkleCirclesTruth):
            spans = [
                interval
                for interval, count in (
                    (truth.clockwise_interval, truth.clockwise),
                    (truth.counterclockwise_interval, truth.counterclockwise),
                )
                if count
            ]
            return Trail(
                self.toe,
                0.75 * truth.seconds_per_circle,
                tuple((self.at(a), self.at(b) + 1) for a, b in spans),
            )
        if isinstance(truth, ToeWritingTruth):
            return Trail(self.toe, None, tuple((s, e) for s, e, _ in self._letters()))
        if isinstance(truth, ToePointsTruth):
            a, b = truth.rep_intervals[0][0], truth.rep_intervals[-1][1]
            return Trail(self.toe, 0.6, ((self.at(a), self.at(b) + 1),))
        return None

    def closeup(self) -> Closeup | None:
        """Around everything the working foot (ankle, heel, toe tip) does while it works."""
        trail = self.trail()
        if trail is None or self.side is None:
            return None
        first, end = trail.spans[0][0], trail.spans[-1][1]
        _hip, _knee, ankle, heel, toe, _shoulder = leg(self.side)
        width, height = self.track.camera.size
        xy = self.frames[first:end][:, [ankle, heel, toe]].reshape(-1, 2) * (width, height)
        centre = (xy.min(axis=0) + xy.max(axis=0)) / 2
        reach = float(np.linalg.norm(xy - centre, axis=1).max()) * 1.15
        return Closeup(float(centre[0] / width), float(centre[1] / height), reach / height)

    def _letters(self) -> list[tuple[int, int, str]]:
        truth = self.track.truth
        assert isinstance(truth, ToeWritingTruth)
        starts = [self.at(x.start_t) for x in truth.letters]
        ends = [*starts[1:], self.at(truth.letters[-1].end_t) + 1]
        return [(s, e, x.letter) for s, e, x in zip(starts, ends, truth.letters, strict=True)]

    def labels(self) -> tuple[Label, ...]:
        """The letter being written; point and flex; breathing in and out."""
        truth = self.track.truth
        if isinstance(truth, ToeWritingTruth):
            return tuple(Label(s, e, text) for s, e, text in self._letters())
        if isinstance(truth, ToePointsTruth):
            first = self.at(truth.rep_intervals[0][0])
            last = self.at(truth.rep_intervals[-1][1])
            angles = self._ankle_angles(first, last + 1)
            rest = angles[0]
            phase = np.where(
                angles > (rest + angles.max()) / 2,
                1,
                np.where(angles < (rest + angles.min()) / 2, -1, 0),
            )
            return _runs(phase, first, {1: "Point", -1: "Flex"})
        if isinstance(truth, ChildsPoseTruth):
            a, b = truth.hold_intervals[0]
            first, last = self.at(a), self.at(b)
            shoulders = self.frames[first : last + 1, [11, 12], 1].mean(axis=1)
            rising = np.gradient(shoulders) < 0  # image y is down
            return _runs(np.where(rising, 1, -1), first, {1: "Breathe in", -1: "Breathe out"})
        return ()

    def stills(self) -> tuple[Still, ...]:
        truth = self.track.truth
        if isinstance(truth, AnkleCirclesTruth):
            # One whole circle in the middle of the set, the foot at its four quarters.
            a, b = truth.clockwise_interval if truth.clockwise else truth.counterclockwise_interval
            period = truth.seconds_per_circle
            middle = (a + b) / 2
            quarters = [self.at(middle - period / 2 + k * period / 4) for k in range(4)]
            path = (self.at(middle - period / 2), self.at(middle + period / 2 - 0.1))
            return (Still(quarters[0], tuple(quarters[1:]), path),)
        if isinstance(truth, ToeWritingTruth):
            stills = []
            for letter in truth.letters:
                start, end = self.at(letter.start_t), self.at(letter.end_t)
                stills.append(Still(end, (), (start, end), letter.letter))
            return tuple(stills)
        if isinstance(truth, ToePointsTruth):
            a, b = truth.rep_intervals[min(1, len(truth.rep_intervals) - 1)]
            first, last = self.at(a), self.at(b)
            angles = self._ankle_angles(first, last + 1)
            point = first + int(np.argmax(angles))
            flex = first + int(np.argmin(angles))
            return (
                Still(point, (first,), (first, point), "Point"),
                Still(flex, (point,), (point, flex), "Flex"),
            )
        assert isinstance(truth, ChildsPoseTruth)
        enter = truth.enter_interval
        hold = truth.hold_intervals[0]
        return (
            Still(self.at(enter[0])),
            Still(self.at(enter[0] + 0.45 * (enter[1] - enter[0]))),
            Still(self.at(hold[0] + 1.0)),
        )

    def _ankle_angles(self, first: int, end: int) -> np.ndarray:
        """The angle at the working ankle between the shin and the foot, in pixels."""
        _hip, knee, ankle, _heel, toe, _shoulder = leg(self.side or "right")
        xy = self.frames[first:end] * np.array(self.track.camera.size, dtype=float)
        shin = xy[:, knee] - xy[:, ankle]
        foot = xy[:, toe] - xy[:, ankle]
        cosine = (shin * foot).sum(axis=1) / (
            np.linalg.norm(shin, axis=1) * np.linalg.norm(foot, axis=1)
        )
        return np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0)))


def _runs(phase: np.ndarray, first: int, texts: dict[int, str]) -> tuple[Label, ...]:
    """Labels for the runs of equal phase that have a text, frame indices from `first`."""
    labels = []
    edges = np.flatnonzero(np.diff(phase)) + 1
    for start, end in zip(
        np.concatenate([[0], edges]), np.concatenate([edges, [len(phase)]]), strict=True
    ):
        text = texts.get(int(phase[start]))
        if text is not None:
            labels.append(Label(first + int(start), first + int(end), text))
    return tuple(labels)
