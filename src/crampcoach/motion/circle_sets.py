"""Sets of ankle circles found on a whole toe path, each with its direction and its turns.

This is how a count is settled once the path is known (see `crampcoach.motion.ankle_circles`
for the live count). Three steps, all on a uniform time grid:

1. A local spectrum of turning (`turning_spectrum`): at every moment, how strongly the
   path turns each way at a range of rates, from a Gaussian-windowed demodulation, so that
   jitter averages out over a few tenths of a circle.
2. Sets (`find_sets`): stretches where one turning stands clearly above the rest of the
   spectrum and above its mirror (a line, such as lifting the foot, turns both ways
   equally), with hysteresis, short unclear stretches bridged, too-brief ones dropped.
3. Turns (`set_turns`): the phase of the path demodulated at the set's rate over a few
   tenths of a circle (which leaves out the centre, a slow drift, the turning the other
   way that makes a circle seen at an angle an ellipse, and most of the jitter), followed
   step by step. A set's ends are where that turning falls below half its typical size,
   turns slower than a share of its rate or looks like a line; brief dips are crossed, and
   lost frames are taken as circling on. As the demodulation's window leaves a set, its
   size halves where the set ends, so the ends are not biased.

Sign: + is the person's clockwise (see ARCHITECTURE.md); the image's y points down, so the
person's clockwise is the angle of x - i*y increasing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

FULL_TURN = 2 * math.pi
RATES = np.geomspace(0.45, 2.6, 10)  # circles a second that can be counted
CYCLES_SIGMA = 0.45  # the demodulation's Gaussian width, in circles
START_FACTOR = 3.2  # a set starts where its turning stands this far above the spectrum
KEEP_FACTOR = 2.0  # ... and goes on while it stands this far above it
START_MIRROR = 0.6  # the opposite turning's share, at most, to start
KEEP_MIRROR = 0.85  # ... and to go on
BRIDGE_S = 1.5  # an unclear stretch this short between turnings one way is bridged
MIN_CIRCLES = 2.0  # a set must show turning for this many circles' time
MIN_SET_S = 1.2  # ... and this long
PAD_S = 1.5  # the turning's ends are searched this far beyond what the spectrum found
PHASE_CYCLES = 0.3  # the demodulation that follows a set's phase (sigma, in circles)
MIN_RATE_SHARE = 0.4  # of the set's rate: turning slower, the toe is not circling
DIP_CIRCLES = 0.5  # a set goes on across a dip this long (in circles)
EDGE_MIRROR = 0.7  # the other way's share, at most, at a set's ends
EDGE_RADIUS = 0.5  # of the set's median radius: nearer its centre, the toe is not circling
MIN_SIZE = 1e-9
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


def demodulate(grid: Grid, hz: float, cycles_sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """The path's turning at `hz` (signed) around each moment: a Gaussian-windowed
    demodulation (`cycles_sigma` circles wide) about the window's own mean. Its phase
    follows the toe round its circle; its size is the circle's radius (the turning the
    other way, the centre and the jitter are left out). Also, per moment, the size that
    unit white jitter alone would give (it grows as the window narrows or frames are
    lost), to compare rates fairly."""
    mask = grid.valid.astype(float)
    z = np.where(grid.valid, grid.z, 0)
    sigma = cycles_sigma / abs(hz)
    m = _window(sigma, grid.step)
    w = np.exp(-0.5 * (m / sigma) ** 2)
    total = np.maximum(_weighted(mask, w), MIN_SIZE)
    mean = _weighted(z, w) / total
    turn = np.exp(-2j * math.pi * hz * m)
    value = (_weighted(z, w * turn) - mean * _weighted(mask, w * turn)) / total
    return value, np.sqrt(_weighted(mask, w * w)) / total


def turning_spectrum(grid: Grid) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rates, ahead, mirror): for every signed rate (row) and moment (column), how
    strongly the path turns at that rate, and at the same rate the other way, in units
    of what white jitter alone would give there."""
    rates = np.concatenate([RATES, -RATES])
    rows = []
    for hz in rates:
        value, gain = demodulate(grid, hz, CYCLES_SIGMA)
        rows.append(np.abs(value) / np.maximum(gain, MIN_SIZE))
    ahead = np.array(rows)
    half = len(RATES)
    mirror = np.concatenate([ahead[half:], ahead[:half]])
    return rates, ahead, mirror


def _labels(grid: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Per moment: +1 / -1 circling clockwise / counterclockwise (the person's), 0 not; and
    the signed rate found."""
    rates, ahead, mirror = turning_spectrum(grid)
    best = np.argmax(ahead, axis=0)
    cols = np.arange(ahead.shape[1])
    amp, opposite = ahead[best, cols], mirror[best, cols]
    floor = np.median(np.concatenate([ahead, mirror]), axis=0)
    rate = rates[best]
    labels = np.zeros(len(cols), dtype=int)
    state = 0
    for i in cols:
        sign = 1 if rate[i] > 0 else -1
        keep = state == sign
        factor, share = (KEEP_FACTOR, KEEP_MIRROR) if keep else (START_FACTOR, START_MIRROR)
        clear = amp[i] >= factor * floor[i] and opposite[i] <= share * amp[i]
        state = sign if clear else 0
        labels[i] = state
    return labels, rate


def find_sets(grid: Grid) -> list[tuple[int, int, float]]:
    """Stretches of circling one way: (first index, last index, signed median rate)."""
    labels, rate = _labels(grid)
    sets: list[list[int]] = []  # [first, last, sign]
    bridge = round(BRIDGE_S / grid.step)
    for i, sign in enumerate(labels):
        if sign == 0:
            continue
        if sets and sets[-1][2] == sign and i - sets[-1][1] <= bridge + 1:
            sets[-1][1] = i
        else:
            sets.append([i, i, int(sign)])
    found = []
    for first, last, sign in sets:
        inside = labels[first : last + 1] == sign
        hz = sign * float(np.median(np.abs(rate[first : last + 1][inside])))
        lasted = (last - first) * grid.step
        if lasted >= max(MIN_CIRCLES / abs(hz), MIN_SET_S):
            found.append((first, last, hz))
    return found


def set_turns(
    grid: Grid, first: int, last: int, hz: float, lo: int, hi: int
) -> tuple[np.ndarray, int, int]:
    """The turning of the set found at [first, last] (rate `hz`), its ends searched within
    [lo, hi]: (its signed turns step by step, start index, end index)."""
    period = 1.0 / abs(hz)
    turning = demodulate(grid, hz, PHASE_CYCLES)[0][lo : hi + 1]
    mirror = np.abs(demodulate(grid, -hz, PHASE_CYCLES)[0][lo : hi + 1])
    valid = grid.valid[lo : hi + 1]
    a, b = first - lo, last - lo
    trim = int(0.15 * (b - a))
    radius = np.abs(turning)
    typical = float(np.median(radius[a + trim : b - trim + 1]))
    if typical <= MIN_SIZE:
        return np.zeros(0), first, last
    # The phase, step by step: each step as the set's rate would have it, give or take
    # half a turn (the demodulation is smooth, so this never has to guess).
    expected = FULL_TURN * hz * grid.step
    steps = expected + np.angle(np.exp(1j * (np.diff(np.angle(turning)) - expected)))
    rate = np.concatenate([steps[:1], steps]) / expected
    # On its circle: out at a good share of its radius, turning its way, and not along a
    # line (a lift, a kick: as much turning one way as the other). Across lost frames it
    # is taken to go on.
    out = (radius >= EDGE_RADIUS * typical) & (rate >= MIN_RATE_SHARE)
    out &= mirror <= EDGE_MIRROR * radius
    out |= ~valid
    tolerance = round(DIP_CIRCLES * period / grid.step)
    mid = (a + b) // 2
    start = _walk(out, mid, -1, tolerance)
    end = _walk(out, mid, 1, tolerance)
    while start < end and not valid[start]:
        start += 1
    while end > start and not valid[end]:
        end -= 1
    return steps[start:end] / FULL_TURN, start + lo, end + lo


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


def circle_sets(times: np.ndarray, points: np.ndarray) -> list[CircleSet]:
    """Every set of circles on a toe path (times in seconds; points (n, 2) in image units,
    y down), in order."""
    if len(times) < 8:
        return []
    grid = to_grid(np.asarray(times, float), np.asarray(points, float))
    found = find_sets(grid)
    pad = round(PAD_S / grid.step)
    out: list[CircleSet] = []
    for k, (first, last, hz) in enumerate(found):
        lo = max(0, first - pad)
        hi = min(len(grid.t) - 1, last + pad)
        if k > 0:
            lo = max(lo, (found[k - 1][1] + first) // 2)
        if k + 1 < len(found):
            hi = min(hi, (last + found[k + 1][0]) // 2)
        steps, start, end = set_turns(grid, first, last, hz, lo, hi)
        turned = np.cumsum(steps) * np.sign(hz)  # turns so far, its own way
        total = float(turned[-1]) if len(turned) else 0.0
        ends = [
            float(grid.t[start + 1 + int(np.argmax(turned >= n - SLACK_TURNS))])
            for n in range(1, count_full(total) + 1)
        ]
        start_t, end_t = float(grid.t[start]), float(grid.t[end])
        out.append(CircleSet(start_t, end_t, hz, total * float(np.sign(hz)), tuple(ends)))
    return out
