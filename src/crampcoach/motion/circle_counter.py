"""One foot's ankle circles, counted as the path comes in: the live count and the final
count are one process (pure numpy).

Every `recheck_s` the path since the last closed set is looked at as a whole
(`crampcoach.motion.circle_sets`: seeds, extents, phase, fitted ends), and:

- a set whose end is decided (the walk out of it stopped, and the path its end is fitted
  on is all known) is **closed**: its ends are fitted, its count is final, and the path
  before it is let go;
- a set still going on is **open**: its circles are counted from its start along its phase,
  up to `lag_s` ago and no further than it is still at `live_level` of its size (a set
  fading out is not counted ahead of its fitted end). Before its first circle is complete
  it shows only the way it turns and how far round the circle in progress is.

Sets never overlap (a foot turns one way at a time): a set found again over the tail of
the one closed before it counts only what comes after that set's end.

The count shown is the closed sets' counts plus the open ones', and it never goes back: if a
closed count comes out below what was shown (rare: an end fitted earlier than the phase
had it), the shown count stands (`unconfirmed` says how often). Memory is bounded: only
the path since the last closed set or the last open one (and `CircleParams.lead_s` before
it) is kept.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from crampcoach.motion.circle_edges import PhaseTrack
from crampcoach.motion.circle_sets import (
    CircleParams,
    CircleSet,
    PhaseFits,
    Reach,
    find_seeds,
    fit_end,
    live_horizon,
    phase_track,
    reaches,
)
from crampcoach.motion.harmonic import despike, to_grid

WAYS = ("clockwise", "counterclockwise")


class CircleCounter:
    """Feed `update(t, point, min_radius)` with the foot's line (toe tip minus heel, image
    units, y down); read `shown` live; `finish()` at the end gives the final count."""

    def __init__(self, params: CircleParams | None = None) -> None:
        self.params = params or CircleParams()
        self.sets: list[CircleSet] = []  # closed sets, oldest first
        self.shown = dict.fromkeys(WAYS, 0)
        self.turning = 0.0  # the open set's rate now, circles a second (+ clockwise; 0: none)
        self.in_progress = 0.0  # how far round the circle in progress is (0 to 1)
        self.unconfirmed = dict.fromkeys(WAYS, 0)  # shown, but not in the fitted sets
        self._open_turns = 0.0  # turns of the sets still open
        self._most = 0.0  # the most turns seen (`turned`)
        self._t: list[float] = []  # the path not yet settled
        self._p: list[np.ndarray] = []
        self._min_radius = 0.0
        self._checked = -math.inf  # when the path was last looked at
        self._quiet = -math.inf  # no set was open before this moment
        self._anchor = -math.inf  # the last closed set's end
        self._starts: dict[tuple[str, float], float] = {}  # fitted starts of open sets
        self._finished = False

    @property
    def closed(self) -> dict[str, int]:
        return {way: sum(s.full_circles for s in self.sets if s.direction == way) for way in WAYS}

    @property
    def turned(self) -> float:
        """The most turns seen so far, either way (which foot is circling): it does not
        fall when an open set is looked at again and found shorter."""
        self._most = max(self._most, sum(abs(s.turns) for s in self.sets) + self._open_turns)
        return self._most

    @property
    def events(self) -> list[dict[str, Any]]:
        """One per counted circle: when it was complete and its direction."""
        return [
            {"t": round(t, 3), "direction": s.direction} for s in self.sets for t in s.circle_ends
        ]

    def update(self, t: float, point: np.ndarray, min_radius: float) -> list[str]:
        """Add one moment of the path; the directions of circles newly shown."""
        self._t.append(t)
        self._p.append(np.asarray(point, float))
        self._min_radius = min_radius
        if t - self._checked < self.params.recheck_s:
            return []
        self._checked = t
        before = dict(self.shown)
        self._look(now=t)
        return [way for way in WAYS for _ in range(self.shown[way] - before[way])]

    def finish(self) -> dict[str, int]:
        """Close every set on the whole path; the final count (never below what was shown)."""
        if not self._finished:
            self._finished = True
            self._look(now=math.inf)
            for way in WAYS:  # what was shown stands: the events say when it was seen
                missing = self.shown[way] - self.closed[way]
                self.unconfirmed[way] = max(missing, 0)
                if missing <= 0:
                    continue
                mine = [s for s in self.sets if s.direction == way]
                if mine:
                    last = mine[-1]
                    ends = last.circle_ends + (last.end_t,) * missing
                    self.sets[self.sets.index(last)] = CircleSet(
                        last.start_t, last.end_t, last.rate_hz, last.turns, ends
                    )
                else:  # its set was given up when closed (under min_circles turns)
                    t = self._t[-1] if self._t else 0.0
                    sign = 1.0 if way == "clockwise" else -1.0
                    self.sets.append(CircleSet(t, t, sign, 0.0, (t,) * missing))
            self.shown = self.closed
            self.turning = self.in_progress = self._open_turns = 0.0
        return dict(self.shown)

    def _look(self, now: float) -> None:
        params = self.params
        since = max(self._anchor, self._quiet) - params.lead_s
        keep = next((i for i, t in enumerate(self._t) if t >= since), len(self._t))
        del self._t[:keep], self._p[:keep]  # the path before is settled for good
        if len(self._t) < 8:
            return
        grid = to_grid(np.array(self._t), despike(np.array(self._p)))
        fits = PhaseFits(grid, params)
        live = dict.fromkeys(WAYS, 0)
        opened: list[float] = []  # where the open sets' paths begin
        self.turning = self._open_turns = 0.0
        for reach in reaches(fits, find_seeds(grid, self._min_radius, params)):
            period = 1.0 / abs(reach.hz)
            if grid.t[reach.last] <= self._anchor + 0.5 * period:
                continue  # the tail of a set already closed
            track = phase_track(fits, reach)
            if track is None:
                continue
            settled = reach.after is not None and now >= grid.t[reach.after] + params.known_s(
                reach.hz
            )
            if settled or math.isinf(now):
                self._close(fits, reach, track)
            else:
                live[reach.direction] += self._open(fits, reach, track, now)
                opened.append(float(grid.t[reach.first if reach.before is None else reach.before]))
        for way in WAYS:
            self.shown[way] = max(self.shown[way], self.closed[way] + live[way])
        self._quiet = min([now, *opened])

    def _start(self, fits: PhaseFits, reach: Reach, track: PhaseTrack) -> float:
        """Where a set began: its fitted start, once a whole circle beyond the search for it
        is known (before that, its first circling moment: later, so fewer turns)."""
        grid, params = fits.grid, fits.params
        t_first = float(grid.t[reach.first])
        if reach.before is None:
            return t_first
        key = (reach.direction, round(t_first * 2) / 2)
        if key not in self._starts:
            period = 1.0 / abs(reach.hz)
            known = params.search_in + params.edge.inside_circles
            if grid.t[reach.last] < t_first + known * period:
                return t_first
            self._starts[key] = fit_end(fits, reach, track, -1)
        return self._starts[key]

    def _open(self, fits: PhaseFits, reach: Reach, track: PhaseTrack, now: float) -> int:
        """Circles of a set still going on that are sure: complete `lag_s` ago."""
        start = max(self._start(fits, reach, track), self._anchor)
        until = min(now - self.params.lag_s, live_horizon(fits, reach))
        turned = float(track.at(until) - track.at(start))
        self._open_turns += max(turned, 0.0)
        if fits.grid.t[reach.last] >= now - abs(1.0 / reach.hz):  # turning now
            self.turning = reach.hz
            self.in_progress = float(track.at(fits.grid.t[reach.last]) - track.at(start)) % 1.0
        return self.params.count_full(turned)

    def _close(self, fits: PhaseFits, reach: Reach, track: PhaseTrack) -> None:
        """Fit the set's ends; its count is final."""
        params = self.params
        # sets do not overlap: a reach found again over the last closed set's tail (its
        # phase fitted back into that set) counts only what comes after it
        start = max(fit_end(fits, reach, track, -1), self._anchor)
        end = fit_end(fits, reach, track, 1)
        turned = float(track.at(end) - track.at(start))
        if end <= start or turned < params.min_circles:
            return
        # each circle complete where the set's phase reached it (less the slack)
        moments = np.linspace(start, end, max(2, round((end - start) * 100)))
        along = track.at(moments) - track.at(start)
        last = len(moments) - 1
        ends = tuple(
            float(moments[min(int(np.searchsorted(along, k - params.slack_turns)), last)])
            for k in range(1, params.count_full(turned) + 1)
        )
        self.sets.append(CircleSet(start, end, reach.hz, math.copysign(turned, reach.hz), ends))
        self._anchor = end


def circle_sets(
    times: np.ndarray,
    points: np.ndarray,
    *,
    min_radius: float = 0.0,
    params: CircleParams | None = None,
) -> list[CircleSet]:
    """Every set of circles on a whole path, as the counter closes them (times in seconds;
    points (n, 2) in image units, y down)."""
    counter = CircleCounter(params)
    for t, point in zip(times, points, strict=True):
        counter.update(float(t), point, min_radius)
    counter.finish()
    return counter.sets
