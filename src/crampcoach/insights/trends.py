"""Is severity (or duration) drifting? A straight line through the weekly means, with its CI.

Ordinary least squares of each week's mean on the week number, over the weeks with at
least one cramp, unweighted; the 95% interval uses Student's t with n - 2 degrees of
freedom. Fewer than `MIN_TREND_WEEKS` such weeks give no number, only the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from crampcoach.insights.weekly import WeekRow
from crampcoach.plurals import count_of

MIN_TREND_WEEKS = 8

Measure = Literal["severity", "duration_s"]
Direction = Literal["up", "down", "no clear trend"]


@dataclass(frozen=True)
class Trend:
    measure: Measure  # "severity" (0-10 points) or "duration_s" (seconds)
    weeks: int  # weeks with at least one cramp, the points of the line
    span_weeks: int  # from the first to the last of those weeks
    slope_per_week: float | None  # change of the weekly mean per week
    low: float | None  # 95% interval of the slope
    high: float | None
    direction: Direction | None  # "no clear trend" when the interval includes 0
    reason: str | None  # why there is no slope; None when there is one


def fit_line(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """(slope, low, high): the OLS slope of y on x and its 95% interval."""
    from scipy.special import stdtrit  # imported when needed: scipy costs every start

    n = x.size
    dx = x - x.mean()
    sxx = float(dx @ dx)
    slope = float(dx @ (y - y.mean())) / sxx
    residuals = y - y.mean() - slope * dx
    se = (float(residuals @ residuals) / (n - 2) / sxx) ** 0.5
    half = float(stdtrit(n - 2, 0.975)) * se
    return slope, slope - half, slope + half


def weekly_trend(weeks: Sequence[WeekRow], measure: Measure) -> Trend:
    """The trend of the weekly mean severity or duration over the weeks with cramps."""
    field = "mean_severity" if measure == "severity" else "mean_duration_s"
    points = [(i, getattr(w, field)) for i, w in enumerate(weeks) if getattr(w, field) is not None]
    if len(points) < MIN_TREND_WEEKS:
        return Trend(
            measure=measure,
            weeks=len(points),
            span_weeks=points[-1][0] - points[0][0] if points else 0,
            slope_per_week=None,
            low=None,
            high=None,
            direction=None,
            reason=(
                f"Not enough data for a trend: {count_of(len(points), 'week')} with cramps; "
                f"at least {MIN_TREND_WEEKS} are needed."
            ),
        )
    x, y = (np.array(values, dtype=float) for values in zip(*points, strict=True))
    slope, low, high = fit_line(x, y)
    direction: Direction = "up" if low > 0 else "down" if high < 0 else "no clear trend"
    return Trend(
        measure=measure,
        weeks=len(points),
        span_weeks=points[-1][0] - points[0][0],
        slope_per_week=slope,
        low=low,
        high=high,
        direction=direction,
        reason=None,
    )
