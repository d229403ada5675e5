"""Sets of ankle circles found on a whole toe path, each with its direction and its turns.

This is how a count is settled once the path is known (see `crampcoach.motion.ankle_circles`
for the live count). Three steps, all on a uniform time grid:

1. A local spectrum of turning (`turning_spectrum`): at every moment and a range of rates,
   how strongly the path turns each way, from a Gaussian-windowed demodulation, and the
   jitter's size there (the spread the fit leaves unexplained), so that jitter averages
   out over a few tenths of a circle and every measure is in units of jitter.
2. Sets (`find_sets`), in two stages. First, stretches where the toe moves to and fro at
   a countable rate clearly above jitter (and at least `min_radius` far). Then, within
   each, the way it turns, judged over the whole part: a circle seen from a high camera
   may look like an ellipse five times as long as it is wide, whose way shows only a
   little at each moment but clearly over a set; a line (lifting the foot, a kick, a toe
   point) turns both ways alike and is left out.
3. Turns (`set_turns`): the phase of the path demodulated at the set's rate over a few
   tenths of a circle (which leaves out the centre, a slow drift, the turning the other
   way and most of the jitter), followed step by step. The ends are first walked to from
   a third of the way in (a burst of jitter in the middle cannot cut a set short) while
   the turning stays out on its ellipse; then each end is placed by fitting, by least
   squares, a circle stopping there (seen through the demodulation's window) to the
   turning's power with jitter's share taken out, so that jitter does not push the ends
   outwards. Moments where jitter is as large as the edge itself are unknown, like lost
   frames, and the toe is taken to circle on at the set's rate across them.

Sign: + is the person's clockwise (see ARCHITECTURE.md); the image's y points down, so the
person's clockwise is the angle of x - i*y increasing.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

FULL_TURN = 2 * math.pi
RATES = np.geomspace(0.45, 2.6, 10)  # circles a second that can be counted
CYCLES_SIGMA = 0.45  # the demodulation's Gaussian width, in circles
START_EVIDENCE = 4.0  # to-and-fro starts where it stands this far above jitter ...
KEEP_EVIDENCE = 2.5  # ... and goes on while it stands this far above it
WAY_CIRCLES = 1.0  # the way of turning must hold this long to split a stretch
WINDOW_CIRCLES = 1.6  # the demodulation's windows are about independent this far apart
WAY_EVIDENCE = 4.0  # a part's way must stand this far above jitter, over the part
BRIDGE_S = 1.5  # an unclear stretch this short between turnings one way is bridged
MIN_CIRCLES = 2.0  # a set must show turning for this many circles' time
MIN_SET_S = 1.2  # ... and this long
PAD_S = 1.5  # the turning's ends are searched at most this far beyond the stretch found
PHASE_CYCLES = 0.3  # the demodulation that follows a set's phase (sigma, in circles)
MIN_RATE_SHARE = 0.4  # of the set's rate: turning slower, the toe is not circling
FIT_CIRCLES = 1.0  # an end is fitted within this many circles of where the walk put it
DIP_CIRCLES = 0.5  # a set goes on across a dip this long (in circles)
EDGE_MIRROR = 0.5  # at the ends, the other way's share may go this far from the set's to 1
EDGE_RADIUS = 0.5  # of the set's median radius: nearer its centre, the toe is not circling
MIN_SIZE = 1e-9
NOISE_FLOOR = 0.5  # of the track's median jitter: a window with few frames says no less
EVIDENCE_CAP = 10.0  # a moment's evidence counts at most this much in a part's mean
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


@dataclass(frozen=True)
class Grid:
    """A path on a uniform time grid; `valid` is False where frames were lost."""

    t: np.ndarray
    z: np.ndarray  # complex: x - i*y, image units
    valid: np.ndarray

    @property
    def step(self) -> float:
        return float(self.t[1] - self.t[0]) if len(self.t) > 1 else 1.0


def to_grid(times: np.ndarray, points: np.ndarray) -> Grid:
    """Resample a path to its typical frame interval; lost frames are interpolated but
    marked not valid."""
    step = float(np.median(np.diff(times))) if len(times) > 1 else 1.0
    step = max(step, 1e-3)
    n = round((times[-1] - times[0]) / step) + 1
    t = times[0] + step * np.arange(n)
    x = np.interp(t, times, points[:, 0])
    y = np.interp(t, times, points[:, 1])
    after = np.searchsorted(times, t)
    nearest = np.minimum(
        np.abs(times[np.clip(after, 0, len(times) - 1)] - t),
        np.abs(times[np.clip(after - 1, 0, len(times) - 1)] - t),
    )
    valid = nearest <= 0.6 * step
    return Grid(t, x - 1j * y, valid)


def _window(sigma_s: float, step: float) -> np.ndarray:
    """Offsets (seconds) of a Gaussian window's samples, out to three sigma."""
    half = max(1, math.ceil(3 * sigma_s / step))
    return np.arange(-half, half + 1) * step


def _weighted(signal: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Sum of kernel[k] * signal[i + k - half] for each i (same length as the signal)."""
    half = len(kernel) // 2
    return np.convolve(signal, kernel[::-1], mode="full")[half : half + len(signal)]


def _both_ways(
    grid: Grid, hz: float, cycles_sigma: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The path's turning at `hz` around each moment, its way and the other way: a
    Gaussian-windowed demodulation (`cycles_sigma` circles wide) about the window's own
    mean. The phase of the first follows the toe round its circle; the two sizes are those
    of the circle's two turnings (a circle seen at an angle, an ellipse, has some of the
    other way too); the centre and most of the jitter are left out. Third, per moment,
    the jitter's size as it shows through the demodulation: the spread about the window's
    mean that the two turnings leave unexplained (it grows as the window narrows or frames
    are lost)."""
    mask = grid.valid.astype(float)
    z = np.where(grid.valid, grid.z, 0)
    sigma = cycles_sigma / abs(hz)
    m = _window(sigma, grid.step)
    w = np.exp(-0.5 * (m / sigma) ** 2)
    total = np.maximum(_weighted(mask, w), MIN_SIZE)
    mean = _weighted(z, w) / total
    turn = np.exp(-2j * math.pi * hz * m)
    ahead = (_weighted(z, w * turn) - mean * _weighted(mask, w * turn)) / total
    back = (_weighted(z, w * turn.conj()) - mean * _weighted(mask, w * turn.conj())) / total
    spread = np.maximum(_weighted(np.abs(z) ** 2, w) / total - np.abs(mean) ** 2, 0.0)
    left = np.maximum(spread - np.abs(ahead) ** 2 - np.abs(back) ** 2, 0.0)
    gain = np.sqrt(_weighted(mask, w * w)) / total  # what unit white jitter would give
    return ahead, back, np.sqrt(left) * gain


@dataclass(frozen=True)
class Spectrum:
    """For every rate (row, unsigned) and moment (column): the turning at that rate each
    way and the jitter's size there, all in the same units."""

    rates: np.ndarray
    clockwise: np.ndarray  # size of the turning the person's clockwise ...
    counter: np.ndarray  # ... and counterclockwise
    noise: np.ndarray  # what jitter alone would give (the spread left over by the fit)

    @property
    def motion(self) -> np.ndarray:
        """How far the toe's to-and-fro at each rate stands above jitter (a circle, an
        ellipse or a line alike)."""
        return np.hypot(self.clockwise, self.counter) / np.maximum(self.noise, MIN_SIZE)

    @property
    def turning(self) -> np.ndarray:
        """How far one way stands above the other, in units of jitter (+ clockwise): a
        circle seen at any angle has more of its own way; a line (a lift, a kick, a toe
        point) has as much of both."""
        return (self.clockwise - self.counter) / np.maximum(self.noise, MIN_SIZE)


def turning_spectrum(grid: Grid) -> Spectrum:
    """The turning at every rate that can be counted, both ways, with the jitter's size:
    the spread about the window's mean that the turning both ways leaves unexplained, as
    it would show through the demodulation."""
    ahead, back, noise = [], [], []
    for hz in RATES:
        value, other, level = _both_ways(grid, hz, CYCLES_SIGMA)
        ahead.append(np.abs(value))
        back.append(np.abs(other))
        # Few frames in a window (lost ones) leave too little spread to judge: no less
        # than a share of the track's typical jitter at this rate.
        noise.append(np.maximum(level, NOISE_FLOOR * float(np.median(level))))
    return Spectrum(RATES.copy(), np.array(ahead), np.array(back), np.array(noise))


def _stretches(flags: np.ndarray, bridge: int) -> list[tuple[int, int]]:
    """(first, last) of each run of True, runs less than `bridge` apart joined."""
    runs: list[list[int]] = []
    for i in np.flatnonzero(flags):
        if runs and i - runs[-1][1] <= bridge + 1:
            runs[-1][1] = int(i)
        else:
            runs.append([int(i), int(i)])
    return [(a, b) for a, b in runs]


def _moving(spectrum: Spectrum, min_radius: float) -> tuple[np.ndarray, np.ndarray]:
    """Per moment: whether the toe moves to and fro clearly above jitter (with hysteresis)
    and at least `min_radius` far, and at which rate."""
    motion = spectrum.motion
    best = np.argmax(motion, axis=0)
    cols = np.arange(motion.shape[1])
    size = np.hypot(spectrum.clockwise[best, cols], spectrum.counter[best, cols])
    clear = np.where(size >= min_radius, motion[best, cols], 0.0)
    flags = np.zeros(len(cols), dtype=bool)
    on = False
    for i in cols:
        on = bool(clear[i] >= (KEEP_EVIDENCE if on else START_EVIDENCE))
        flags[i] = on
    return flags, spectrum.rates[best]


def _ways(turning: np.ndarray, first: int, last: int, span: int) -> list[tuple[int, int, int]]:
    """Split a stretch of to-and-fro where its turning changes way for good: (first, last,
    sign) parts, each turning its way for at least `span` samples (a sign of 0: no way)."""
    part = turning[first : last + 1]
    kernel = np.ones(max(1, span))
    sums = np.convolve(np.sign(part), kernel, mode="same") / len(kernel)
    way = np.where(sums > 0.5, 1, np.where(sums < -0.5, -1, 0))
    # Samples with no clear way go to the nearer part that has one.
    known = np.flatnonzero(way != 0)
    if len(known) == 0:
        return [(first, last, 0)]
    nearest = known[np.abs(np.arange(len(part))[:, None] - known[None, :]).argmin(axis=1)]
    way = way[nearest]
    cuts = np.flatnonzero(np.diff(way) != 0) + 1
    bounds = np.concatenate([[0], cuts, [len(part)]])
    return [
        (first + int(a), first + int(b) - 1, int(way[a])) for a, b in itertools.pairwise(bounds)
    ]


def find_sets(grid: Grid, min_radius: float = 0.0) -> list[tuple[int, int, float]]:
    """Stretches of circling one way: (first index, last index, signed median rate).

    First the stretches where the toe moves to and fro at a countable rate, clearly above
    jitter; then, within each, the way it turns, judged over the whole part (a circle seen
    at a steep angle is a flat ellipse, whose way shows only a little at each moment), so
    that a line, which turns both ways alike, is left out."""
    spectrum = turning_spectrum(grid)
    flags, rate = _moving(spectrum, min_radius)
    cols = np.arange(len(grid.t))
    best = np.argmax(spectrum.motion, axis=0)
    turning = spectrum.turning[best, cols]
    found = []
    for first, last in _stretches(flags, round(BRIDGE_S / grid.step)):
        hz = float(np.median(rate[first : last + 1][flags[first : last + 1]]))
        span = round(WAY_CIRCLES / hz / grid.step)
        for a, b, sign in _ways(turning, first, last, span):
            if sign == 0 or (b - a) * grid.step < max(MIN_CIRCLES / hz, MIN_SET_S):
                continue
            # The way must show over the part as a whole: its mean against the chance
            # that jitter alone gives one, windows of about a circle being independent.
            windows = max(1.0, (b - a) * grid.step * hz / WINDOW_CIRCLES)
            inside = flags[a : b + 1]
            seen = np.clip(turning[a : b + 1][inside], -EVIDENCE_CAP, EVIDENCE_CAP)
            mean = float(np.mean(seen)) if inside.any() else 0.0
            if sign * mean * math.sqrt(windows) >= WAY_EVIDENCE:
                found.append((a, b, sign * float(np.median(rate[a : b + 1][inside]))))
    return found


def set_turns(
    grid: Grid, first: int, last: int, hz: float, lo: int, hi: int
) -> tuple[np.ndarray, int, int]:
    """The turning of the set found at [first, last] (rate `hz`), its ends searched within
    [lo, hi]: (its signed turns step by step, start index, end index)."""
    period = 1.0 / abs(hz)
    turning, other, jitter = (part[lo : hi + 1] for part in _both_ways(grid, hz, PHASE_CYCLES))
    mirror = np.abs(other)
    valid = grid.valid[lo : hi + 1]
    a, b = first - lo, last - lo
    trim = int(0.15 * (b - a))
    # The turning's power and radius with jitter's share taken out (jitter alone makes the
    # demodulation grow).
    power = np.abs(turning) ** 2 - jitter**2
    radius = np.sqrt(np.maximum(power, 0.0))
    typical = float(np.median(radius[a + trim : b - trim + 1]))
    if typical <= MIN_SIZE:
        return np.zeros(0), first, last
    # Where jitter through the demodulation reaches the edge's own size, nothing about the
    # circle can be told: such moments are unknown, like lost frames.
    sure = valid & (jitter < EDGE_RADIUS * typical)
    flat = float(np.median((mirror / np.maximum(radius, MIN_SIZE))[a + trim : b - trim + 1]))
    edge_mirror = min(flat, 1.0) + EDGE_MIRROR * (1.0 - min(flat, 1.0))
    expected = FULL_TURN * hz * grid.step
    steps = expected + np.angle(np.exp(1j * (np.diff(np.angle(turning)) - expected)))
    rate = np.concatenate([steps[:1], steps]) / expected
    # Across unknown moments the toe is taken to circle on at the set's own rate.
    core = sure[a + trim : b - trim + 1]
    own = float(np.median(rate[a + trim : b - trim + 1][core])) if core.any() else 1.0
    both = sure[1:] & sure[:-1]
    steps = np.where(both, steps, own * expected)
    out = (radius >= EDGE_RADIUS * typical) & (rate >= MIN_RATE_SHARE)
    out &= mirror <= edge_mirror * np.abs(turning)
    out |= ~sure
    tolerance = round(DIP_CIRCLES * period / grid.step)
    # Each end is walked to from a third of the way in, so that a dip in the middle (a
    # burst of jitter) cannot cut the set short.
    start = _walk(out, a + (b - a) // 3, -1, tolerance)
    end = _walk(out, b - (b - a) // 3, 1, tolerance)
    reach = round(FIT_CIRCLES * period / grid.step)
    sigma = PHASE_CYCLES * period
    t = grid.t[lo : hi + 1]
    mid = (start + end) // 2
    start = _fit_edge(t, power, sure, start, -1, typical, sigma, reach, mid)
    end = _fit_edge(t, power, sure, end, 1, typical, sigma, reach, mid)
    while start < end and not sure[start]:
        start += 1
    while end > start and not sure[end]:
        end -= 1
    return steps[start:end] / FULL_TURN, start + lo, end + lo


def _fit_edge(
    t: np.ndarray,
    power: np.ndarray,
    sure: np.ndarray,
    guess: int,
    way: int,
    size: float,
    sigma: float,
    reach: int,
    mid: int,
) -> int:
    """Where the set ends near `guess`, going `way`: a circle of radius `size` that stops
    there, seen through the demodulation's Gaussian window (so a smooth fall from size to
    nothing), its power fitted to `power` by least squares over about a circle either side
    (in power, jitter's share taken out, so jitter does not push the end outwards)."""
    from scipy.special import ndtr  # imported when needed: scipy costs every start

    n = len(t)
    lo_c, hi_c = max(0, guess - reach), min(n - 1, guess + reach)
    if way > 0:
        lo_c = max(lo_c, mid)
    else:
        hi_c = min(hi_c, mid)
    if hi_c <= lo_c:
        return guess
    window = np.arange(max(0, lo_c - reach), min(n, hi_c + reach + 1))
    window = window[sure[window]]
    if len(window) < 4:
        return guess
    cands = np.arange(lo_c, hi_c + 1)
    inside = way * (t[cands][:, None] - t[window][None, :]) / sigma
    model = (size * ndtr(inside)) ** 2
    cost = np.sum((power[window][None, :] - model) ** 2, axis=1)
    return int(cands[int(np.argmin(cost))])


def _walk(out: np.ndarray, i: int, way: int, tolerance: int) -> int:
    """The last index reached from i going `way` through `out`, across gaps of at most
    `tolerance` samples."""
    last = i
    j = i + way
    while 0 <= j < len(out):
        if out[j]:
            last = j
        elif abs(j - last) > tolerance:
            break
        j += way
    return last


def circle_sets(
    times: np.ndarray, points: np.ndarray, *, min_radius: float = 0.0
) -> list[CircleSet]:
    """Every set of circles on a toe path (times in seconds; points (n, 2) in image units,
    y down), in order; a circle smaller than `min_radius` (the same units) is not one."""
    if len(times) < 8:
        return []
    grid = to_grid(np.asarray(times, float), np.asarray(points, float))
    found = find_sets(grid, min_radius)
    pad = round(PAD_S / grid.step)
    settled: list[tuple[int, int, float, np.ndarray]] = []
    for k, (first, last, hz) in enumerate(found):
        lo = max(0, first - pad)
        hi = min(len(grid.t) - 1, last + pad)
        if k > 0:
            lo = max(lo, (found[k - 1][1] + first) // 2)
        if k + 1 < len(found):
            hi = min(hi, (last + found[k + 1][0]) // 2)
        steps, start, end = set_turns(grid, first, last, hz, lo, hi)
        if settled and np.sign(settled[-1][2]) == np.sign(hz):
            a0, b0, hz0, steps0 = settled[-1]
            gap = start - b0
            if gap * grid.step <= BRIDGE_S:
                # A brief unclear stretch between turnings one way: circling on at its rate.
                fill = np.full(max(gap, 0), (hz0 + hz) / 2 * grid.step)
                settled[-1] = (a0, end, hz0, np.concatenate([steps0, fill, steps]))
                continue
        settled.append((start, end, hz, steps))
    out: list[CircleSet] = []
    for start, end, hz, steps in settled:
        turned = np.cumsum(steps) * np.sign(hz)  # turns so far, its own way
        total = float(turned[-1]) if len(turned) else 0.0
        if total < MIN_CIRCLES:  # its ends settled, too few turns for a set
            continue
        ends = [
            float(grid.t[start + 1 + int(np.argmax(turned >= n - SLACK_TURNS))])
            for n in range(1, count_full(total) + 1)
        ]
        start_t, end_t = float(grid.t[start]), float(grid.t[end])
        out.append(CircleSet(start_t, end_t, hz, total * float(np.sign(hz)), tuple(ends)))
    return out
