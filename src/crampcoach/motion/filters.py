"""Small causal filters for streaming analysis: outliers, smoothing, centring."""

from __future__ import annotations

import math
from collections import deque

import numpy as np


class Median3:
    """The median of the last three samples (per component): removes single-frame outliers
    at the cost of one frame of delay."""

    def __init__(self) -> None:
        self._window: deque[np.ndarray] = deque(maxlen=3)

    def reset(self) -> None:
        self._window.clear()

    def __call__(self, value: np.ndarray) -> np.ndarray:
        self._window.append(np.asarray(value, dtype=float))
        if len(self._window) < 3:
            return self._window[-1]
        return np.median(np.stack(self._window), axis=0)


class Ema:
    """An exponential moving average with a time constant, aware of uneven frame times."""

    def __init__(self, tau_s: float) -> None:
        self.tau_s = tau_s
        self.value: np.ndarray | None = None

    def reset(self) -> None:
        self.value = None

    def __call__(self, value: np.ndarray, dt: float) -> np.ndarray:
        value = np.asarray(value, dtype=float)
        if self.value is None:
            self.value = value.copy()
        else:
            alpha = 1.0 - math.exp(-max(dt, 0.0) / self.tau_s)
            self.value = self.value + alpha * (value - self.value)
        return self.value


def wrap_angle(radians: float) -> float:
    """An angle difference folded into (-pi, pi]."""
    return (radians + math.pi) % (2 * math.pi) - math.pi
