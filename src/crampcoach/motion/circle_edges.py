"""Where a set of circles reaches, its phase, and where exactly it starts and ends
(the pieces `crampcoach.motion.circle_sets` is built from; pure numpy).

- `walk`: from inside a set outward over per-moment judgements (circling, not circling,
  cannot tell), as far as circling outweighs not circling; what cannot be told (lost
  frames, a burst of jitter) is crossed, up to a limit.
- `PhaseTrack`: the set's phase from the moments it clearly circles, unwrapped; where it
  cannot be seen, the toe is taken to circle on at its local rate (and where it is seen
  again, the phase there says the rest), and past the seen part the phase goes on at the
  rate of the nearest circle.
- `fit_edge`: an end placed by least squares on the path itself: a low-order drift plus a
  circle that starts (or stops) there, the circle following the phase track, tried at
  every candidate moment; the end is the candidates' mean, each weighed by its
  likelihood, so where the data cannot tell (a gap) it is the middle of what fits as well.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from crampcoach.motion.harmonic import TINY

CIRCLING, STILL, UNKNOWN = 1, 0, -1


@dataclass(frozen=True)
class EdgeFit:
    """How an end of a set is fitted (`fit_edge`): chosen on suite 1 of
    benchmarks/bench_motion.py, kept where taking it out cost accuracy on suites 2 and 3.
    (A circle fading in or out over a ramp of up to 0.3 circles, and a second, robustly
    reweighted pass, were taken out: exact +1 and -1, +1 and -2 tracks of 100.)"""

    drift_degree: int = 3  # the path's own drift near an end (lifting or lowering the foot
    # bends the path; a straight line leaves the bend to be taken for part of a circle: with
    # degree 1, exact fell by 2 and 3 tracks of 100 on suites 2 and 3)
    outside_circles: float = 0.75  # the fit sees this much beyond the latest candidate ...
    inside_circles: float = 1.0  # ... and this much inside the earliest: a whole circle
    # inside pins the circle's phase and size, less than one beyond keeps the next set out


def walk(state: np.ndarray, start: int, way: int, dip: int, bridge: int) -> tuple[int, int | None]:
    """From `start` going `way` (+1, -1): the farthest reach that maximises circling minus
    still moments, given up once still moments outweigh circling ones by more than `dip`
    or an unknown stretch lasts more than `bridge` moments. Returns (the last circling
    moment reached, the first still moment beyond it, or None at the path's end)."""
    n = len(state)
    best_j, score, best, unknown = start, 0, 0, 0
    j = start + way
    while 0 <= j < n:
        if state[j] == UNKNOWN:
            unknown += 1
            if unknown > bridge:
                break
        else:
            unknown = 0
            score += 1 if state[j] == CIRCLING else -1
            if score > best:
                best, best_j = score, j
            elif best - score > dip:
                break
        j += way
    k = best_j + way
    while 0 <= k < n and state[k] != STILL:
        k += way
    return best_j, (k if 0 <= k < n else None)


def _wrap(turns: np.ndarray) -> np.ndarray:
    return (turns + 0.5) % 1.0 - 0.5


class PhaseTrack:
    """A set's phase in turns (its own way positive) at the moments where it clearly
    circles, unwrapped; `at(t)` anywhere (see the module's docs)."""

    def __init__(self, t: np.ndarray, angle: np.ndarray, sure: np.ndarray, hz: float) -> None:
        self.period = 1.0 / abs(hz)
        known = np.flatnonzero(sure)
        self.t = t[known]
        self.ok = len(known) >= 4
        self.rates = (abs(hz), abs(hz))
        if not self.ok:
            self.turns = np.zeros(len(known))
            return
        seen = angle[known] * math.copysign(1.0, hz) / (2 * math.pi)
        dt = np.diff(self.t)
        short = dt <= 1.5 * np.median(dt)
        step_rate = np.where(short, _wrap(np.diff(seen)) / np.maximum(dt, 1e-9), np.nan)
        rate = np.full(len(dt), abs(hz))
        for i in np.flatnonzero(~short):
            # across an unseen stretch: the rate of the circles on either side of it
            near = self.t[:-1] >= self.t[i] - self.period
            near &= (self.t[1:] <= self.t[i + 1] + self.period) & short
            if near.sum() >= 3:
                rate[i] = float(np.median(step_rate[near]))
        expected = rate * dt
        steps = expected + _wrap(np.diff(seen) - expected)
        self.turns = np.concatenate([[0.0], np.cumsum(steps)])
        self.rates = (self._end_rate(0), self._end_rate(-1))

    def _end_rate(self, end: int) -> float:
        near = np.abs(self.t - self.t[end]) <= self.period
        if near.sum() < 3 or np.ptp(self.t[near]) <= 0:
            return 1.0 / self.period
        return float(np.polyfit(self.t[near], self.turns[near], 1)[0])

    def at(self, x: np.ndarray | float) -> np.ndarray:
        x = np.asarray(x, float)
        inside = np.interp(x, self.t, self.turns)
        before = self.turns[0] - (self.t[0] - x) * self.rates[0]
        after = self.turns[-1] + (x - self.t[-1]) * self.rates[1]
        return np.where(x < self.t[0], before, np.where(x > self.t[-1], after, inside))


def fit_edge(
    t: np.ndarray,
    z: np.ndarray,
    turns: np.ndarray,
    candidates: np.ndarray,
    way: int,
    period: float,
    edge: EdgeFit = EdgeFit(),
) -> float:
    """Where a set starts (way -1: circling after it) or ends (+1: before it) among
    `candidates` (seconds): least squares on the path z (complex, at times t) of a drift
    plus a circle following `turns` (the phase track there) on one side of the candidate."""
    if way < 0:
        lo = candidates[0] - edge.outside_circles * period
        hi = candidates[-1] + edge.inside_circles * period
    else:
        lo = candidates[0] - edge.inside_circles * period
        hi = candidates[-1] + edge.outside_circles * period
    near = (t >= lo) & (t <= hi)
    if near.sum() < 8:
        return float(candidates[len(candidates) // 2])
    tt, zz = t[near], z[near]
    u = (tt - tt.mean()) / max(float(np.ptp(tt)), 1e-9)
    base = np.stack([u**d for d in range(edge.drift_degree + 1)], axis=-1)
    own = np.exp(2j * math.pi * turns[near])
    on = ((tt[None, :] - candidates[:, None]) * (-way) >= 0).astype(float)
    design = np.concatenate(
        [
            np.broadcast_to(base, (len(candidates), *base.shape)),
            (on * own)[..., None],
            (on * own.conj())[..., None],
        ],
        axis=-1,
    )
    params = design.shape[-1]
    adjoint = design.conj().transpose(0, 2, 1)
    gram = adjoint @ design + 1e-9 * np.eye(params)[None]
    coef = np.linalg.solve(gram, adjoint @ zz[:, None])
    rss = np.sum(np.abs(zz[None, :] - (design @ coef)[..., 0]) ** 2, axis=1)
    # How likely each candidate is, given the jitter the best fit leaves: where the data
    # cannot tell (a gap), all alike, so the expected edge is the middle of what fits.
    jitter = float(rss.min()) / max(2 * len(zz) - 2 * params, 1)
    likely = np.exp(-0.5 * (rss - rss.min()) / max(jitter, TINY))
    return float((likely / likely.sum()) @ candidates)
