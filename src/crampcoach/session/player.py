"""Play a timeline: pause, resume, skip, back, stop; emit cues when they fall due.

Pure: the clock is injected (a function returning seconds of routine time; an adapter
can compress time by scaling it). Counting uses active time only, so pausing never
changes what is counted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from crampcoach.session.record import SessionRecord, StepRecord, StepStatus
from crampcoach.session.timeline import Cue, Step, Timeline

EventKind = Literal["step", "cue", "waiting", "finished"]


@dataclass(frozen=True)
class Event:
    kind: EventKind
    step: Step | None
    cue: Cue | None = None
    due_s: float = 0.0  # active session time at which it fell due


@dataclass(frozen=True)
class PlayerState:
    step: Step | None
    next_step: Step | None
    step_elapsed_s: float
    step_remaining_s: float
    count: float  # what is done so far in this step
    paused: bool
    waiting: bool  # a confirm step is waiting for the person
    finished: bool
    active_s: float
    progress: float  # 0..1 through the planned timeline
    step_entered_s: float = 0.0  # active time the step began (a confirm step may run over)


class SessionPlayer:
    def __init__(
        self,
        timeline: Timeline,
        *,
        clock: Callable[[], float],
        auto_confirm: bool = True,
    ) -> None:
        if not timeline.steps:
            raise ValueError("a timeline needs at least one step")
        self.timeline = timeline
        self._clock = clock
        self._auto_confirm = auto_confirm
        self._origin: float | None = None
        self._paused_total = 0.0
        self._paused_since: float | None = None
        self._index = 0
        self._entered = 0.0  # active time the current step was entered
        self._cue_ptr = 0
        self._done: dict[int, float] = {}
        self._visited: set[int] = set()
        self._ended_at: float | None = None  # active time frozen when the session finishes
        self._skipped: set[int] = set()
        self._confirmed = False
        self._announced_wait = False
        self._finished = False
        self._stopped = False

    # -- time -------------------------------------------------------------------------
    def active_time(self) -> float:
        if self._origin is None:
            return 0.0
        if self._ended_at is not None:
            return self._ended_at
        now = self._paused_since if self._paused_since is not None else self._clock()
        return now - self._origin - self._paused_total

    @property
    def started(self) -> bool:
        return self._origin is not None

    @property
    def finished(self) -> bool:
        return self._finished

    @property
    def paused(self) -> bool:
        return self._paused_since is not None

    @property
    def current(self) -> Step | None:
        return None if self._finished else self.timeline.steps[self._index]

    def _elapsed(self) -> float:
        return self.active_time() - self._entered

    def _waiting(self) -> bool:
        step = self.current
        return (
            step is not None
            and step.kind == "confirm"
            and not self._auto_confirm
            and not self._confirmed
            and self._elapsed() >= step.duration_s
        )

    # -- commands ---------------------------------------------------------------------
    def start(self) -> list[Event]:
        if self._origin is not None:
            return []
        self._origin = self._clock()
        return self._enter(0, 0.0)

    def pause(self) -> None:
        if self.started and not self._finished and self._paused_since is None:
            self._paused_since = self._clock()

    def resume(self) -> None:
        if self._paused_since is not None:
            self._paused_total += self._clock() - self._paused_since
            self._paused_since = None

    def toggle_pause(self) -> None:
        if self.paused:
            self.resume()
        else:
            self.pause()

    def confirm(self) -> list[Event]:
        """The person says they are ready (a confirm step); elsewhere the same as next."""
        if not self.started or self._finished:
            return []
        # Catch up with the clock first (as next, back and stop do): the confirm step may
        # already have moved on by itself.
        events = self.tick()
        step = self.current
        if step is None:
            return events
        if step.kind == "confirm":
            self._confirmed = True
            self._done[step.index] = 1.0
            return events + self._leave_to(self._index + 1, self.active_time())
        return events + self.next()

    def next(self) -> list[Event]:
        """Skip the rest of the current step."""
        if not self.started or self._finished:
            return []
        events = self.tick()
        if self._finished:
            return events
        step = self.timeline.steps[self._index]
        self._record(step, self._elapsed())
        if self._done.get(step.index, 0.0) < step.planned:
            self._skipped.add(step.index)
        return events + self._leave_to(self._index + 1, self.active_time(), recorded=True)

    def back(self) -> list[Event]:
        """Restart the current step, or go to the previous exercise step when at its start."""
        if not self.started or self._finished:
            return []
        events = self.tick()
        if self._finished:
            return events
        step = self.timeline.steps[self._index]
        self._record(step, self._elapsed())
        target = self._index
        if self._elapsed() < 2.0 or step.kind == "rest":
            target = self._index - 1
            while target > 0 and not self.timeline.steps[target].is_exercise:
                target -= 1
            target = max(target, 0)
        return events + self._enter(target, self.active_time())

    def stop(self) -> list[Event]:
        if not self.started or self._finished:
            return []
        events = self.tick()
        if self._finished:
            return events
        self.resume()
        self._record(self.timeline.steps[self._index], self._elapsed())
        self._stopped = True
        self._ended_at = self.active_time()
        self._finished = True
        return [*events, Event("finished", None, due_s=self.active_time())]

    # -- the clock moves --------------------------------------------------------------
    def tick(self) -> list[Event]:
        """Everything that fell due since the last call, in order."""
        if not self.started or self._finished:
            return []
        events: list[Event] = []
        now = self.active_time()
        while not self._finished:
            step = self.timeline.steps[self._index]
            elapsed = now - self._entered
            while (
                self._cue_ptr < len(step.cues) and step.cues[self._cue_ptr].at_s <= elapsed + 1e-9
            ):
                cue = step.cues[self._cue_ptr]
                events.append(Event("cue", step, cue, due_s=self._entered + cue.at_s))
                self._cue_ptr += 1
            if elapsed + 1e-9 < step.duration_s:
                break
            if step.kind == "confirm" and not self._auto_confirm and not self._confirmed:
                if not self._announced_wait:
                    self._announced_wait = True
                    events.append(Event("waiting", step, due_s=self._entered + step.duration_s))
                break  # waiting for the person
            # Enter the next step at its scheduled time, not "now", so no drift builds up.
            events += self._leave_to(self._index + 1, self._entered + step.duration_s)
        return events

    def next_due_in(self) -> float | None:
        """Active seconds until the next cue or step boundary; None when nothing is due."""
        step = self.current
        if step is None or not self.started or self.paused:
            return None
        elapsed = self._elapsed()
        if self._cue_ptr < len(step.cues):
            return max(0.0, step.cues[self._cue_ptr].at_s - elapsed)
        if self._waiting():
            return None
        return max(0.0, step.duration_s - elapsed)

    # -- views ------------------------------------------------------------------------
    def state(self) -> PlayerState:
        step = self.current
        steps = self.timeline.steps
        total = self.timeline.total_s or 1.0
        if step is None:
            return PlayerState(
                None, None, 0.0, 0.0, 0.0, self.paused, False, True, self.active_time(), 1.0
            )
        elapsed = min(max(self._elapsed(), 0.0), step.duration_s)
        following = steps[self._index + 1] if self._index + 1 < len(steps) else None
        progress = (self.timeline.starts[self._index] + elapsed) / total
        return PlayerState(
            step=step,
            next_step=following,
            step_elapsed_s=elapsed,
            step_remaining_s=step.duration_s - elapsed,
            count=step.completed(elapsed) if step.kind != "confirm" else float(self._confirmed),
            paused=self.paused,
            waiting=self._waiting(),
            finished=False,
            active_s=self.active_time(),
            progress=min(1.0, progress),
            step_entered_s=self._entered,
        )

    def record(self, *, started_at: datetime, ended_at: datetime) -> SessionRecord:
        steps = []
        for step in self.timeline.steps:
            done = self._done.get(step.index, 0.0)
            status: StepStatus
            if done >= step.planned:
                status = "done"
            elif done > 0:
                status = "partial"
            elif step.index in self._skipped or self._left(step.index):
                status = "skipped"  # reached, but left (next, back or stop) with nothing done
            else:
                status = "not reached"
            steps.append(
                StepRecord(
                    index=step.index,
                    exercise_id=step.exercise_id,
                    label=step.label,
                    kind=step.kind,
                    unit=step.unit,
                    leg=step.leg,
                    planned=step.planned,
                    done=done,
                    status=status,
                )
            )
        return SessionRecord(
            routine_name=self.timeline.routine_name,
            routine_version=self.timeline.routine_version,
            routine_title=self.timeline.routine_title,
            mode=self.timeline.mode,
            leg=self.timeline.leg,
            tempo_s=self.timeline.tempo_s,
            started_at=started_at,
            ended_at=ended_at,
            steps=tuple(steps),
        )

    # -- internals --------------------------------------------------------------------
    def _left(self, index: int) -> bool:
        """The step was reached and is no longer the one playing."""
        return index in self._visited and (self._finished or index != self._index)

    def _record(self, step: Step, elapsed: float) -> None:
        if step.kind == "confirm":
            done = (
                1.0
                if (self._confirmed or (self._auto_confirm and elapsed >= step.duration_s))
                else 0.0
            )
        else:
            done = step.completed(elapsed)
        # Going back and doing a step again never lowers what was already done.
        self._done[step.index] = max(self._done.get(step.index, 0.0), done)

    def _leave_to(self, index: int, at: float, *, recorded: bool = False) -> list[Event]:
        step = self.timeline.steps[self._index]
        if not recorded:
            self._record(step, at - self._entered)
        if index >= len(self.timeline.steps):
            self._ended_at = at
            self._finished = True
            return [Event("finished", None, due_s=at)]
        return self._enter(index, at)

    def _enter(self, index: int, at: float) -> list[Event]:
        self._index = index
        self._entered = at
        self._cue_ptr = 0
        self._confirmed = False
        self._announced_wait = False
        self._visited.add(index)
        step = self.timeline.steps[index]
        events = [Event("step", step, due_s=at)]
        # Cues at offset 0 fall due on entry.
        while self._cue_ptr < len(step.cues) and step.cues[self._cue_ptr].at_s <= 1e-9:
            events.append(Event("cue", step, step.cues[self._cue_ptr], due_s=at))
            self._cue_ptr += 1
        return events
