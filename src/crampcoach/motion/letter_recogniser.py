"""Which letter a toe-written path looks like: a point-cloud recogniser after $P (Vatavu,
Anthony and Wobbrock 2012), which grew out of $1 (Wobbrock, Wilson and Li 2007).

Both the path and each template (`crampcoach.motion.letter_shapes`) are resampled to
POINTS points evenly spaced along the path, moved to put their centroid at the origin and
scaled so the larger side of their box is one. The distance between two such clouds is
the sum of distances of a greedy matching of their points, each point of one taken to the
nearest unmatched point of the other, the first matches weighted most (as $P does); it is
tried from several starting points and both ways round, and the smallest kept. Being a
cloud match it does not care in which order or direction the strokes were drawn.

`score` is 1 for a perfect match and falls to 0 at an average distance of SCORE_SPAN per
point. The path written in the air also carries the move from the previous letter's end to
this one's start; `recognise` tries the path with and without that first move.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crampcoach.motion.letter_shapes import TEMPLATES

POINTS = 32  # as in $P: enough for capital letters, few enough to be quick
SCORE_SPAN = 0.35  # mean point distance (in letter boxes) at which the score reaches 0


@dataclass(frozen=True)
class Recognition:
    letter: str
    score: float  # 0..1
    scores: dict[str, float]


def resample(path: np.ndarray, n: int = POINTS) -> np.ndarray:
    path = np.asarray(path, dtype=float)
    steps = np.linalg.norm(np.diff(path, axis=0), axis=1)
    along = np.concatenate([[0.0], np.cumsum(steps)])
    if along[-1] <= 0:
        return np.repeat(path[:1], n, axis=0)
    at = np.linspace(0.0, along[-1], n)
    return np.column_stack([np.interp(at, along, path[:, 0]), np.interp(at, along, path[:, 1])])


def normalise(path: np.ndarray) -> np.ndarray:
    cloud = resample(path)
    cloud = cloud - cloud.mean(axis=0)
    side = float(np.ptp(cloud, axis=0).max())
    return cloud / side if side > 0 else cloud


def _greedy(dist: np.ndarray, start: int) -> float:
    """Greedy matching of the rows of `dist` (from row `start` on) to its columns."""
    n = len(dist)
    work = dist.copy()
    total = 0.0
    for k in range(n):
        row = work[(start + k) % n]
        j = int(np.argmin(row))
        total += (1.0 - k / n) * float(row[j])
        work[:, j] = np.inf
    return total


def cloud_distance(a: np.ndarray, b: np.ndarray) -> float:
    """$P's distance between two normalised clouds of equal size (weighted mean per point)."""
    n = len(a)
    dist = np.linalg.norm(a[:, None, :] - b[None, :, :], axis=2)
    step = max(1, int(n**0.5))
    best = min(min(_greedy(dist, s), _greedy(dist.T, s)) for s in range(0, n, step))
    return best / ((n + 1) / 2)  # the weights sum to (n + 1) / 2


_CLOUDS = {letter: normalise(path) for letter, path in TEMPLATES.items()}


def score_letters(path: np.ndarray) -> dict[str, float]:
    cloud = normalise(path)
    return {
        letter: max(0.0, 1.0 - cloud_distance(cloud, template) / SCORE_SPAN)
        for letter, template in _CLOUDS.items()
    }


def recognise(path: np.ndarray, lead_in: int = 0, lead_out: int = 0) -> Recognition:
    """The best letter for a path (u right, v up). The path written in the air may carry
    the move from the previous letter's end before the letter (its first `lead_in` points)
    and a move back to rest after it (its last `lead_out` points): the path with and
    without each is tried, and the best reading kept."""
    n = len(path)
    starts = [0] + ([lead_in] if 0 < lead_in < n - 3 else [])
    stops = [n] + ([n - lead_out] if 0 < lead_out < n - 3 else [])
    scores: dict[str, float] = {}
    for start in starts:
        for stop in stops:
            if stop - start < 3:
                continue
            for letter, value in score_letters(path[start:stop]).items():
                scores[letter] = max(scores.get(letter, 0.0), value)
    letter = max(scores, key=lambda k: scores[k])
    return Recognition(letter, round(scores[letter], 3), scores)
