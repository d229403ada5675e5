"""A path's turning at one rate, around every moment: local harmonic regression.

The path goes onto a uniform time grid (lost frames marked, not invented). Around each
moment, a Gaussian-weighted least-squares fit of

    z(t + m) = c + a * exp(+i w m) + b * exp(-i w m)      (w = 2 pi hz, m the offset)

gives the turning one way (`a`, whose phase follows the toe round its circle) and the
other way (`b`: an ellipse has some of both, a line as much of both). Because the fit is
least squares on the frames there are, a window with lost frames stays unbiased; it only
grows less sure, and `cover` says how much of the window was seen. The spread the fit
leaves unexplained gives the jitter's share in `a` (`var`), so every judgement can be
made in units of what jitter alone would do.

`area` = |a|^2 - |b|^2 is the signed area the path sweeps (per radian): a circle's radius
squared, an ellipse's two half-axes multiplied, a line's nothing. Jitter adds as much to
both ways, so it does not bias the area; it only makes it less sure (`area_sd`).

Complex coordinates: z = x - i*y with image y pointing down, so `a` at a positive rate is
the person's clockwise (ARCHITECTURE.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

TINY = 1e-12
MIN_COVER = 0.2  # below this share of the window seen, nothing is fitted


@dataclass(frozen=True)
class Grid:
    """A path on a uniform time grid; `valid` is False where frames were lost."""

    t: np.ndarray
    z: np.ndarray  # complex: x - i*y, image units (0 where not valid)
    valid: np.ndarray

    @property
    def step(self) -> float:
        return float(self.t[1] - self.t[0]) if len(self.t) > 1 else 1.0


def despike(points: np.ndarray) -> np.ndarray:
    """The centred median of three (per coordinate): a single-frame outlier is replaced by
    its neighbours, without delaying the path."""
    out = np.asarray(points, float).copy()
    if len(out) >= 3:
        out[1:-1] = np.median(np.stack([out[:-2], out[1:-1], out[2:]]), axis=0)
    return out


def to_grid(times: np.ndarray, points: np.ndarray) -> Grid:
    """Put a path (times in seconds, points (n, 2), y down) on its typical frame interval,
    interpolated; grid moments with no frame within 0.6 of an interval are not valid."""
    times = np.asarray(times, float)
    step = max(float(np.median(np.diff(times))) if len(times) > 1 else 1.0, 1e-3)
    n = round((times[-1] - times[0]) / step) + 1
    t = times[0] + step * np.arange(n)
    after = np.clip(np.searchsorted(times, t), 0, len(times) - 1)
    before = np.clip(after - 1, 0, len(times) - 1)
    gap = np.minimum(np.abs(times[after] - t), np.abs(times[before] - t))
    valid = gap <= 0.6 * step
    z = np.interp(t, times, points[:, 0]) - 1j * np.interp(t, times, points[:, 1])
    return Grid(t, np.where(valid, z, 0), valid)


@dataclass(frozen=True)
class HarmonicFit:
    """Per grid moment: the turning at the fitted rate each way, and how sure it is."""

    hz: float
    a: np.ndarray  # complex: turning at +hz (its phase follows the toe)
    b: np.ndarray  # complex: turning at -hz
    var: np.ndarray  # jitter's variance in a (and b); inf where nothing was fitted
    cover: np.ndarray  # share of the window's weight on valid moments

    @property
    def area(self) -> np.ndarray:
        return np.abs(self.a) ** 2 - np.abs(self.b) ** 2

    @property
    def area_sd(self) -> np.ndarray:
        power = np.abs(self.a) ** 2 + np.abs(self.b) ** 2
        var = np.where(np.isfinite(self.var), self.var, 1e30)
        return np.sqrt(2 * var * power + 2 * var**2)

    @property
    def z(self) -> np.ndarray:
        """The signed area in units of its uncertainty (+: turning at +hz)."""
        return self.area / np.maximum(self.area_sd, TINY)


def _weighted(signal: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """sum_k kernel[k] * signal[i + k - half] for every i (same length as the signal)."""
    half = len(kernel) // 2
    return np.convolve(signal, kernel[::-1], mode="full")[half : half + len(signal)]


def harmonic_fit(grid: Grid, hz: float, cycles: float) -> HarmonicFit:
    """The local fit at `hz` (signed, circles a second) with a Gaussian window `cycles`
    circles wide (sigma), at every grid moment."""
    sigma = cycles / abs(hz)
    half = max(1, math.ceil(3 * sigma / grid.step))
    m = np.arange(-half, half + 1) * grid.step
    w = np.exp(-0.5 * (m / sigma) ** 2)
    turn = np.exp(2j * math.pi * hz * m)
    seen = grid.valid.astype(float)
    z = grid.z
    s0 = _weighted(seen, w)
    s1 = _weighted(seen, w * turn)
    s2 = _weighted(seen, w * turn * turn)
    h = np.stack([_weighted(z, w), _weighted(z, w * turn.conj()), _weighted(z, w * turn)], axis=1)
    power = _weighted(np.abs(z) ** 2, w)
    w2 = _weighted(seen, w * w)
    n = len(z)
    gram = np.empty((n, 3, 3), complex)
    gram[:, 0] = np.stack([s0, s1, s1.conj()], axis=1)
    gram[:, 1] = np.stack([s1.conj(), s0, s2.conj()], axis=1)
    gram[:, 2] = np.stack([s1, s2, s0], axis=1)
    cover = s0 / w.sum()
    ok = cover > MIN_COVER
    gram[~ok] = np.eye(3)
    h[~ok] = 0
    gram += np.eye(3)[None] * 1e-9 * w.sum()
    inverse = np.linalg.inv(gram)
    coef = np.einsum("nij,nj->ni", inverse, h)
    rss = np.maximum(power - np.real(np.sum(h.conj() * coef, axis=1)), 0.0)
    # Jitter's variance per moment from what the fit leaves, with the three fitted terms'
    # share taken out (Kish's effective number of moments in the window).
    effective = s0**2 / np.maximum(w2, TINY)
    jitter = rss / np.maximum(s0, TINY) * effective / np.maximum(effective - 3.0, 0.5)
    var = jitter * np.real(inverse[:, 1, 1]) * w2 / np.maximum(s0, TINY)
    a = np.where(ok, coef[:, 1], 0)
    b = np.where(ok, coef[:, 2], 0)
    return HarmonicFit(float(hz), a, b, np.where(ok, var, np.inf), cover)
