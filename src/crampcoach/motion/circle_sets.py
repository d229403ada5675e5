"""Sets of ankle circles on a whole path, each with its direction and its turns.

This is how a count is settled once the path is known (`crampcoach.motion.ankle_circles`
gives the live count). The path is the foot's own line, toe tip minus heel: it turns with
the foot about the ankle, lifting or lowering the leg hardly moves it, and where the toe's
circle is seen edge-on (a high camera) the heel's still shows the turning.

1. Seeds: moments where the path turns one way at a countable rate, the signed area it
   sweeps standing well above what jitter alone could sweep (`crampcoach.motion.harmonic`;
   a line, such as a toe point or a kick, sweeps none).
2. Extents: from each seed outward, as far as the set's own turning (at its rate, against
   its own typical size) outweighs stillness; lost frames and bursts of jitter, where it
   cannot be told, are crossed. A seed of the other way bounds the walk; seeds of one way
   whose extents meet are one set.
3. Turns: the set's phase, followed where it clearly circles (`circle_edges.PhaseTrack`),
   between its two ends, each placed by fitting a circle that fades in or out to the path
   itself (`circle_edges.fit_edge`). A circle counts when it is SLACK_TURNS from complete.

Sign: + is the person's clockwise (ARCHITECTURE.md); image y points down, so the
person's clockwise is the angle of x - i*y increasing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from crampcoach.motion.circle_edges import CIRCLING, STILL, UNKNOWN, PhaseTrack, fit_edge, walk
from crampcoach.motion.harmonic import TINY, Grid, HarmonicFit, despike, harmonic_fit, to_grid

FULL_TURN = 2 * math.pi
RATES = np.geomspace(0.45, 2.6, 12)  # circles a second that can be counted
DETECT_CYCLES = 0.45  # the seeds' window (Gaussian sigma, in circles)
PHASE_CYCLES = 0.3  # the set's window, for its phase and reach
START_Z = 5.0  # a seed's signed area stands this many of its uncertainties above nothing
KEEP_Z = 2.5  # ... and it goes on while it stands this far
SEED_CIRCLES = 0.75  # a seed lasts at least three quarters of a circle
MIN_CIRCLES = 2.0  # a set turns at least this many times
LEVEL = 0.25  # of the set's typical area (half its radius): still circling
UNSURE = 0.5  # area uncertain by more than this share of the typical area: cannot tell
DIP_CIRCLES = 1.25  # a set is given up where stillness outweighs circling by this much
BRIDGE_S = 2.5  # what cannot be told is crossed for at most this long
SEARCH_OUT = 0.5  # an end is sought this many circles beyond where the walk stopped ...
SEARCH_IN = 2.0  # ... and this many inside (the walk may run into lifting the foot)
END_STEP = 0.02  # circles between candidate ends
JUDGE_COVER = 0.5  # of a window's weight seen, for a judgement
SLACK_TURNS = 0.15  # a circle this close to complete counts


@dataclass(frozen=True)
class CircleSet:
    start_t: float
    end_t: float
    rate_hz: float  # signed: + the person's clockwise
    turns: float  # signed like rate_hz
    circle_ends: tuple[float, ...] = ()  # when each counted circle was complete

    @property
    def direction(self) -> str:
        return "clockwise" if self.rate_hz > 0 else "counterclockwise"

    @property
    def full_circles(self) -> int:
        return len(self.circle_ends)


def count_full(turns: float) -> int:
    """Full circles in `turns`: an unfinished last circle is not counted, but a circle
    SLACK_TURNS from complete is, since a set's ends are known only so well."""
    return max(0, math.floor(turns + SLACK_TURNS))


class _PhaseFits:
    """The set window's fit on one grid, once per rate (reaches and ends share them)."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self._fits: dict[float, HarmonicFit] = {}

    def __call__(self, hz: float) -> HarmonicFit:
        if hz not in self._fits:
            self._fits[hz] = harmonic_fit(self.grid, hz, PHASE_CYCLES)
        return self._fits[hz]


@dataclass
class _Reach:
    """A set's extent: grid indices of its first and last circling moments and of the
    still moments beyond them (None: the path ends first)."""

    hz: float
    first: int
    before: int | None
    last: int
    after: int | None
    weight: float  # typical area times length: which of two clashing sets is stronger


def find_seeds(grid: Grid, min_radius: float) -> list[tuple[int, int, float]]:
    """(first, last, signed rate) of each stretch that clearly turns one way."""
    fits = [harmonic_fit(grid, hz, DETECT_CYCLES) for hz in RATES]
    z = np.array([f.z for f in fits])
    ways = {1: np.array([np.abs(f.a) for f in fits]), -1: np.array([np.abs(f.b) for f in fits])}
    known = fits[0].cover >= JUDGE_COVER
    cols = np.arange(len(grid.t))
    seeds = []
    for sign, size in ways.items():
        score = np.where(size >= min_radius, sign * z, 0.0)
        best = np.argmax(score, axis=0)
        strength = score[best, cols]
        on, flags = False, np.zeros(len(cols), dtype=bool)
        for i in cols:
            if known[i]:
                on = bool(strength[i] >= (KEEP_Z if on else START_Z))
            flags[i] = on
        edges = np.flatnonzero(np.diff(np.concatenate([[0], flags.astype(int), [0]])))
        for first, end in zip(edges[::2], edges[1::2], strict=True):
            hz = float(np.median(RATES[best[first:end]]))
            if (end - 1 - first) * grid.step >= SEED_CIRCLES / hz:
                seeds.append((int(first), int(end - 1), sign * hz))
    return sorted(seeds)


def _judge(fit: HarmonicFit, first: int, last: int) -> tuple[np.ndarray, float]:
    """Per moment: circling, still or cannot tell, against the typical area of [first,
    last] (its middle 70 %); and that typical area."""
    trim = int(0.15 * (last - first))
    core = slice(first + trim, last - trim + 1)
    seen = fit.cover[core] >= JUDGE_COVER
    typical = float(np.median(fit.area[core][seen])) if seen.any() else 0.0
    state = np.where(fit.area >= LEVEL * typical, CIRCLING, STILL)
    unsure = (fit.cover < JUDGE_COVER) | (fit.area_sd > UNSURE * typical)
    return np.where(unsure, UNKNOWN, state), typical


def _reach(fits: _PhaseFits, seed: tuple[int, int, float], lo: int, hi: int) -> _Reach | None:
    grid = fits.grid
    first, last, hz = seed
    state, typical = _judge(fits(hz), first, last)
    if typical <= TINY:
        return None
    state[:lo] = STILL
    state[hi + 1 :] = STILL
    period = 1.0 / abs(hz)
    dip = max(1, round(DIP_CIRCLES * period / grid.step))
    bridge = round(BRIDGE_S / grid.step)
    start, before = walk(state, first + (last - first) // 3, -1, dip, bridge)
    end, after = walk(state, last - (last - first) // 3, 1, dip, bridge)
    return _Reach(hz, start, before, end, after, typical * (last - first))


def _reaches(fits: _PhaseFits, seeds: list[tuple[int, int, float]]) -> list[_Reach]:
    """Each seed's extent, bounded by the seeds of the other way; extents of one way that
    meet joined; of two overlapping extents of opposite ways, the stronger kept."""
    found = []
    for first, last, hz in seeds:
        lo, hi = 0, len(fits.grid.t) - 1
        for o_first, o_last, o_hz in seeds:
            if o_hz * hz < 0 and o_last < first:
                lo = max(lo, (o_last + first) // 2)
            elif o_hz * hz < 0 and o_first > last:
                hi = min(hi, (last + o_first) // 2)
        reach = _reach(fits, (first, last, hz), lo, hi)
        if reach is not None:
            found.append(reach)
    found.sort(key=lambda r: r.first)
    joined: list[_Reach] = []
    for r in found:
        prev = joined[-1] if joined else None
        if prev is not None and prev.hz * r.hz > 0 and r.first <= prev.last + 1:
            if r.last > prev.last:
                prev.last, prev.after = r.last, r.after
            if r.weight > prev.weight:
                prev.hz, prev.weight = r.hz, r.weight
            continue
        joined.append(r)
    return [
        r
        for r in joined
        if not any(
            o.hz * r.hz < 0 and o.first <= r.last and r.first <= o.last and o.weight > r.weight
            for o in joined
        )
    ]


def _settle(fits: _PhaseFits, reach: _Reach) -> tuple[float, float, float] | None:
    """(start, end, turns) of a set: its phase between its two fitted ends."""
    grid = fits.grid
    hz, period = reach.hz, 1.0 / abs(reach.hz)
    margin = round(1.5 * period / grid.step) + 1
    outer_first = reach.before if reach.before is not None else reach.first
    outer_last = reach.after if reach.after is not None else reach.last
    part = slice(max(0, outer_first - margin), min(len(grid.t), outer_last + margin + 1))
    fit = fits(hz)
    state, _typical = _judge(fit, reach.first, reach.last)
    offset = part.start
    sure = state[part] == CIRCLING
    sure[: reach.first - offset] = False
    sure[reach.last - offset + 1 :] = False
    t, z, valid = grid.t[part], grid.z[part], grid.valid[part]
    track = PhaseTrack(t, np.angle(fit.a[part]), sure, hz)
    if not track.ok:
        return None
    signed = track.at(t[valid]) * math.copysign(1.0, hz)
    step = END_STEP * period
    t_first, t_last = grid.t[reach.first], grid.t[reach.last]
    t_before = grid.t[reach.before] if reach.before is not None else t_first
    t_after = grid.t[reach.after] if reach.after is not None else t_last
    starts = np.arange(t_before - SEARCH_OUT * period, t_first + SEARCH_IN * period + 1e-9, step)
    ends = np.arange(t_last - SEARCH_IN * period, t_after + SEARCH_OUT * period + 1e-9, step)
    start = fit_edge(t[valid], z[valid], signed, starts, -1, period)
    end = fit_edge(t[valid], z[valid], signed, ends, 1, period)
    if end - start < period:
        return None
    return start, end, float(track.at(end) - track.at(start))


def circle_sets(
    times: np.ndarray, points: np.ndarray, *, min_radius: float = 0.0
) -> list[CircleSet]:
    """Every set of circles on a path (times in seconds; points (n, 2) in image units, y
    down), in order; a circle smaller than `min_radius` (the same units) is not one."""
    if len(times) < 8:
        return []
    grid = to_grid(np.asarray(times, float), despike(points))
    fits = _PhaseFits(grid)
    out = []
    for reach in _reaches(fits, find_seeds(grid, min_radius)):
        settled = _settle(fits, reach)
        if settled is None or settled[2] < MIN_CIRCLES:
            continue
        start, end, turned = settled
        ends = tuple(
            start + (end - start) * (n - SLACK_TURNS) / turned
            for n in range(1, count_full(turned) + 1)
        )
        sign = math.copysign(1.0, reach.hz)
        out.append(CircleSet(float(start), float(end), reach.hz, sign * turned, ends))
    return out
