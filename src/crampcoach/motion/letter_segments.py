"""Self-paced toe writing: the toe's path grouped into one piece per letter.

Splitting at every pause fails on real handwriting: strokes slow down and stop inside a
letter (corners, cusps, the turn of a B), the move from one letter to the next looks like
a stroke, and the toe's jitter while resting starts bursts of its own. So:

1. The path is smoothed (the pose model's jitter is far faster than strokes) and cut into
   bursts where the toe moves faster than a share of this writer's own writing speed; a
   burst is cut again at its deep slowdowns, where jitter may hide a short rest.
2. Bursts far from where the letters are written (the leg lifted or lowered) or too small
   to be a stroke (jitter, fidgets) are set apart.
3. Consecutive bursts are grouped into letters by dynamic programming, each grouping judged
   by the rest before it (longer than this track's rests inside letters, told apart by
   splitting its rests in two groups) and its duration against the writer's typical
   letter. The writer's typical duration is estimated from the grouping, and the grouping
   redone.
4. When the letters asked for are known (the alphabet, in order), the bursts are grouped
   again as those letters: each group's path length against that letter's in the air
   (`crampcoach.motion.letter_shapes`, scaled by the writer's letter height), the rests as
   before, and any burst may be left out at a cost. As many letters as fit best are
   taken, so a person who stops at M is counted 13; stopping before the last letter asked
   for costs a little (STOP_COST): a person asked for the alphabet mostly writes all of it.

Everything is in the writer's own units (shank lengths, their speed, seconds), so it does
not depend on how big or fast they write. The settings were chosen on the `TUNED` writers
of `crampcoach.fixtures.handwriting` and are judged on `UNTUNED` ones
(benchmarks/bench_motion.py).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from crampcoach.motion.letter_shapes import TEMPLATES

SMOOTH_S = 0.15  # half-width of the moving average of the path
SPEED_PERCENTILE = 90  # the writer's writing speed: most of the time is writing or resting
START_SHARE = 0.3  # a burst starts above this share of it ...
STOP_SHARE = 0.15  # ... and ends below this share
SLOWDOWN_SHARE = 0.3  # a slowdown below this share inside a burst may end a letter
MINOR_SHARE = 0.3  # a burst spanning less than this of a typical letter is no stroke
AREA = 1.0  # letters are written within this many typical letter sizes of their centre
DURATION_SD = 0.45  # spread of letter durations around the writer's typical one (log)
GAP_WEIGHT = 0.8  # how much a rest between bursts counts for a boundary (per log unit)
MIN_GAP_S = 0.02  # a rest shorter than this (or none: a cut at a slowdown) counts as this
ROUNDS = 3  # re-estimates of the writer's typical letter duration
LENGTH_SD = 0.5  # spread of a letter's path length around the expected one (log): of
# 0.25, 0.35, 0.5, 0.6, 0.7, 1.0 on 30 noisy + 20 clean tuned tracks, 0.5 and 0.6 counted
# best (0.86 / 0.84 exact, 0.92 / 0.94 within one); narrower splits, wider merges
SKIP_COST = 2.0  # leaving a burst out of the letters, plus as much per letter path it covers
STOP_COST = 2.0  # stopping before the last letter asked for. Without it a long rest inside
# a group was not enough to keep two letters apart (the path lengths of the pair and of the
# two letters fit about as well), so letters merged. Of 0, 1, 1.5, 2, 3, 4, 8 on tuned
# tracks (240 noisy full alphabets; 120 noisy and 60 clean that stop after 4 to 25
# letters), 2 counted best: within one / exact 0.875 / 0.762 -> 0.971 / 0.904 on the
# full ones, 0.550 / 0.233 -> 0.517 / 0.217 on the noisy partial ones, 0.950 / 0.700
# unchanged on the clean partial ones. Higher pushes people who stop early on to Z.
STRAIGHT = 0.75  # a group this straight is the leg lifting or lowering, or a move back to
# rest: no capital letter is one straight line (I is three strokes, L and V two)


@dataclass(frozen=True)
class Burst:
    start: int  # index of the first sample
    stop: int  # one past the last
    extent: float  # largest side of its bounding box, shank lengths


def smooth(times: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The path averaged over +-SMOOTH_S: the pose model's jitter (up to a tenth of a shank
    from frame to frame on a small, noisy image) is far faster than a letter's strokes."""
    lo = np.searchsorted(times, times - SMOOTH_S)
    hi = np.searchsorted(times, times + SMOOTH_S, side="right")
    sums = np.concatenate([np.zeros((1, 2)), np.cumsum(points, axis=0)])
    return (sums[hi] - sums[lo]) / (hi - lo)[:, None]


def speeds(times: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Speed of the (smoothed) path at each sample, shank lengths per second."""
    if len(times) < 2:
        return np.zeros(len(times))
    step = np.linalg.norm(np.gradient(points, axis=0), axis=1)
    return step / np.maximum(np.gradient(times), 1e-3)


def bursts(times: np.ndarray, points: np.ndarray) -> list[Burst]:
    """Spans of movement: the toe faster than START_SHARE of this writer's writing speed
    (SPEED_PERCENTILE of the track), until slower than STOP_SHARE of it."""
    v = speeds(times, points)
    if not len(v):
        return []
    writing = float(np.percentile(v, SPEED_PERCENTILE))
    out: list[Burst] = []
    start: int | None = None
    for i, speed in enumerate(v):
        if start is None and speed > START_SHARE * writing:
            start = i
        elif start is not None and speed < STOP_SHARE * writing:
            out.extend(_cut_at_slowdowns(points, v, start, i, writing))
            start = None
    if start is not None:
        out.extend(_cut_at_slowdowns(points, v, start, len(v), writing))
    return out


def _cut_at_slowdowns(
    points: np.ndarray, v: np.ndarray, start: int, stop: int, writing: float
) -> list[Burst]:
    """A burst cut at its deep slowdowns: where the pose model's jitter hides a short rest
    between two letters, the slowdown is what is left of it (the grouping decides)."""
    cuts = [
        i
        for i in range(start + 1, stop - 1)
        if v[i] <= v[i - 1] and v[i] < v[i + 1] and v[i] < SLOWDOWN_SHARE * writing
    ]
    edges = [start, *cuts, stop]
    return [_burst(points, a, b) for a, b in itertools.pairwise(edges) if b > a]


def _burst(points: np.ndarray, start: int, stop: int) -> Burst:
    box = np.ptp(points[start:stop], axis=0) if stop > start else np.zeros(2)
    return Burst(start, stop, float(box.max()))


def _extent(points: np.ndarray, start: int, stop: int) -> float:
    return float(np.ptp(points[start:stop], axis=0).max())


def _otsu(values: np.ndarray) -> float:
    """The split of `values` into two groups with the least spread within them."""
    v = np.sort(values)
    if len(v) < 2:
        return float(v[0]) if len(v) else 0.0
    best, split = np.inf, float(v[0])
    for k in range(1, len(v)):
        a, b = v[:k], v[k:]
        spread = a.var() * len(a) + b.var() * len(b)
        if spread < best:
            best, split = spread, float((v[k - 1] + v[k]) / 2)
    return split


def group(times: np.ndarray, major: list[Burst], duration: float) -> list[tuple[int, int]]:
    """Consecutive bursts grouped into letters (first, last burst index) by dynamic
    programming, for a writer whose letters take `duration`. (A floor on a group's extent,
    against the writer's typical letter, changed no count on the tuned tracks of STOP_COST
    but one of 120 noisy partial alphabets, with or without the letters asked for, so
    there is none.)"""
    n = len(major)
    if n == 0:
        return []
    gaps = np.array([times[major[k + 1].start] - times[major[k].stop - 1] for k in range(n - 1)])
    log_gaps = np.log(np.maximum(gaps, MIN_GAP_S))
    split = _otsu(log_gaps) if len(gaps) > 1 else float(np.log(0.5))
    best = np.full(n + 1, np.inf)
    best[0] = 0.0
    back = np.zeros(n + 1, dtype=int)
    for j in range(1, n + 1):  # groups ending with burst j-1
        for i in range(j - 1, -1, -1):  # ... and starting with burst i
            first, last = major[i], major[j - 1]
            span = times[last.stop - 1] - times[first.start]
            if span > 3.0 * duration and i < j - 1:
                break
            cost = (np.log(max(span, 0.05) / duration) / DURATION_SD) ** 2 / 2
            if i > 0:  # a boundary before burst i: rewarded by a long rest
                cost -= GAP_WEIGHT * (log_gaps[i - 1] - split)
            total = best[i] + cost
            if total < best[j]:
                best[j], back[j] = total, i
    groups: list[tuple[int, int]] = []
    j = n
    while j > 0:
        i = int(back[j])
        groups.append((i, j - 1))
        j = i
    return groups[::-1]


def letters(
    times: np.ndarray, points: np.ndarray, expected: str | None = None
) -> list[tuple[int, int]]:
    """The samples of each letter, as (start, stop) index ranges into `times`. With the
    letters the person was asked to write (`expected`, in order), each group is also
    judged by its path length against that letter's (`crampcoach.motion.letter_shapes`)."""
    times = np.asarray(times, dtype=float)
    points = smooth(times, np.asarray(points, dtype=float))
    found = bursts(times, points)
    if not found:
        return []
    size = float(np.percentile([b.extent for b in found], 75))
    found = _in_writing_area(points, found, size)
    if not found:
        return []
    major = [b for b in found if b.extent >= MINOR_SHARE * size]
    duration = 2.0
    groups = _pause_groups(times, major)
    for _ in range(ROUNDS):
        spans = [times[major[b].stop - 1] - times[major[a].start] for a, b in groups]
        duration = max(float(np.median(spans)), 0.3)
        groups = group(times, major, duration)
    if expected:
        groups = _align(times, points, major, groups, expected)
    spans = [(major[a].start, major[b].stop) for a, b in groups]
    return [(a, b) for a, b in spans if _straightness(points[a:b]) < STRAIGHT]


def _align(
    times: np.ndarray,
    points: np.ndarray,
    major: list[Burst],
    groups: list[tuple[int, int]],
    expected: str,
) -> list[tuple[int, int]]:
    """Regroup the bursts as the expected letters in order (as many as were written):
    dynamic programming over (burst, letter), each group judged by its path length
    against the letter's (in the writer's scale, learnt from the grouping so far) and by
    the rest before it; a group lasts at most three typical letters. Stopping before the
    last expected letter costs STOP_COST."""
    want = [expected_length(expected, k) for k in range(len(expected))]
    steps = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))])

    def length(i: int, j: int) -> float:
        return float(steps[major[j].stop - 1] - steps[major[i].start])

    n, m = len(major), len(expected)
    gaps = np.array([times[major[k + 1].start] - times[major[k].stop - 1] for k in range(n - 1)])
    log_gaps = np.log(np.maximum(gaps, MIN_GAP_S))
    split = _otsu(log_gaps) if len(gaps) > 1 else float(np.log(0.5))
    for _ in range(2):
        # The writer's letter height: a group's extent, which does not grow when two
        # letters are taken for one (they are written one on top of the other).
        scale = float(
            np.median([_extent(points, major[a].start, major[b].stop) for a, b in groups])
        )
        spans = [times[major[b].stop - 1] - times[major[a].start] for a, b in groups]
        duration = max(float(np.median(spans)), 0.3)
        best = np.full((n + 1, m + 1), np.inf)
        best[0, 0] = 0.0
        back = np.zeros((n + 1, m + 1), dtype=int)
        typical = scale * float(np.mean(want))
        for j in range(1, n + 1):
            # burst j-1 left out of every letter (a fidget, the leg lowered): dearer the
            # more of a letter's path it covers
            skip = SKIP_COST * (1.0 + length(j - 1, j - 1) / typical)
            for k in range(m + 1):
                if best[j - 1, k] + skip < best[j, k]:
                    best[j, k], back[j, k] = best[j - 1, k] + skip, -1
            for i in range(j - 1, -1, -1):
                span = times[major[j - 1].stop - 1] - times[major[i].start]
                if span > 3.0 * duration and i < j - 1:
                    break
                path = max(length(i, j - 1), 1e-6)
                # (a duration term was tried here, one typical letter as in `group` and
                # one per letter: its air path times the writer's seconds per letter
                # height, learnt from the grouping. With STOP_COST, on the tuned tracks
                # above, per letter counted 0.958 / 0.925 against 0.971 / 0.904 on the
                # full alphabets and 0.55 against 0.70 exact on the clean partial ones, so
                # the path length alone judges a group's size)
                cost = -GAP_WEIGHT * (log_gaps[i - 1] - split) if i > 0 else 0.0
                for k in range(1, m + 1):
                    if not np.isfinite(best[i, k - 1]):
                        continue
                    fit = (np.log(path / (scale * want[k - 1])) / LENGTH_SD) ** 2 / 2
                    total = best[i, k - 1] + cost + fit
                    if total < best[j, k]:
                        best[j, k], back[j, k] = total, i
        stopped = best[n] + STOP_COST * (np.arange(m + 1) < m)  # ended before the last
        k = int(np.argmin(stopped))
        if not np.isfinite(best[n, k]):
            return groups
        out: list[tuple[int, int]] = []
        j = n
        while j > 0:
            i = int(back[j, k])
            if i < 0:
                j -= 1
                continue
            out.append((i, j - 1))
            j, k = i, k - 1
        groups = out[::-1]
    return groups


def expected_length(expected: str, k: int) -> float:
    """The path of the k-th expected letter in the air, in letter heights: the move from
    the previous letter's end (letters written one on top of the other) and the letter."""
    path = TEMPLATES.get(expected[k])
    if path is None:
        return float(np.mean([_air_length(p) for p in TEMPLATES.values()]))
    lead = 0.0
    if k > 0 and expected[k - 1] in TEMPLATES:
        lead = float(np.linalg.norm(path[0] - TEMPLATES[expected[k - 1]][-1]))
    return _air_length(path) + lead


def _air_length(path: np.ndarray) -> float:
    return float(np.linalg.norm(np.diff(path, axis=0), axis=1).sum())


def _in_writing_area(points: np.ndarray, found: list[Burst], size: float) -> list[Burst]:
    """The bursts cut to where the toe is near the place the letters are written (the
    median of all movement: letters are written one on top of the other): lifting the
    leg to start and lowering it at the end move the toe from far away."""
    moving = np.concatenate([points[b.start : b.stop] for b in found])
    centre = np.median(moving, axis=0)
    inside = np.max(np.abs(points - centre), axis=1) <= AREA * size
    out: list[Burst] = []
    for b in found:
        start: int | None = None
        for i in range(b.start, b.stop + 1):
            if i < b.stop and inside[i]:
                start = i if start is None else start
            elif start is not None:
                out.append(_burst(points, start, i))
                start = None
    return out


def _straightness(path: np.ndarray) -> float:
    """From start to end over the length travelled: 1 for a straight move."""
    length = float(np.linalg.norm(np.diff(path, axis=0), axis=1).sum())
    return float(np.linalg.norm(path[-1] - path[0])) / max(length, 1e-9)


def _pause_groups(times: np.ndarray, major: list[Burst]) -> list[tuple[int, int]]:
    """A first grouping: split where the rest is longer than the track's typical ones."""
    if not major:
        return []
    gaps = np.array(
        [times[major[k + 1].start] - times[major[k].stop - 1] for k in range(len(major) - 1)]
    )
    split = np.exp(_otsu(np.log(np.maximum(gaps, MIN_GAP_S)))) if len(gaps) > 1 else 0.5
    groups, first = [], 0
    for k, gap in enumerate(gaps):
        if gap > split:
            groups.append((first, k))
            first = k + 1
    groups.append((first, len(major) - 1))
    return groups
