"""Use cases of the personal trial: see how long it would run, start it, see tonight's
assignment, its result, see what stopping loses, stop it.

"Tonight" is the diary's night everywhere (`diary.night.night_in_zone`): before noon it
is still the night that began the previous evening. A trial started at 06:00 on the 5th
begins with the night of the 4th (a baseline night: nothing is asked but to log), and
it is running from then on: the trial page, Today and the CLI say "night 1".
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from crampcoach.diary.bounds import year_problem
from crampcoach.diary.night import NIGHT_ENDS_AT_HOUR, night_in_zone
from crampcoach.insights import Arm, TrialError, TrialResult, analyse_trial, plan_trial
from crampcoach.insights.trial_analysis import DEFAULT_WASHOUT
from crampcoach.insights.trial_plan import TrialPlan
from crampcoach.insights.trial_text import length_text, stop_loss, tonight_text
from crampcoach.services.diary import user_zone
from crampcoach.services.insights import diary_data
from crampcoach.services.storage import utc_now
from crampcoach.store import Store
from crampcoach.store import trials as trial_repo
from crampcoach.store.trials import StoredTrial


@dataclass(frozen=True)
class Tonight:
    night: date
    arm: Arm
    trial: StoredTrial


class TrialRunning(TrialError):
    """A trial was asked to start while another runs."""


@dataclass(frozen=True)
class TrialOverview:
    """The latest trial (None: never one), its result as of tonight, and tonight."""

    trial: StoredTrial | None
    result: TrialResult | None
    tonight: date
    before_noon: bool = False  # local time is before noon: tonight began yesterday evening

    @property
    def running(self) -> bool:
        return self.trial is not None and _running(self.trial, self.tonight)

    @property
    def tonight_text(self) -> str | None:
        """'Tonight, the night of Thu 4 Jun 2026, is night 1 of 98: a baseline night
        (...).' while the trial runs; None otherwise."""
        if self.trial is None or not self.running:
            return None
        return tonight_text(self.trial.plan, self.tonight)


@dataclass(frozen=True)
class TrialPreview:
    """How long a trial would run if started now, before it is started."""

    plan: TrialPlan  # seed 0: the order of blocks is drawn at the start; the dates are not
    before_noon: bool  # tonight is the night that began yesterday evening

    @property
    def text(self) -> str:
        return length_text(self.plan)


@dataclass(frozen=True)
class StopPreview:
    """The running trial and what stopping it now would lose, in plain words."""

    trial: StoredTrial
    tonight: date
    lines: tuple[str, ...]


def _tonight(store: Store, now: datetime) -> date:
    return night_in_zone(now, user_zone(store))


def _before_noon(store: Store, now: datetime) -> bool:
    return now.astimezone(ZoneInfo(user_zone(store))).hour < NIGHT_ENDS_AT_HOUR


def preview_trial(
    store: Store,
    *,
    start: date | None = None,
    baseline_days: int = 14,
    block_days: int = 14,
    pairs: int = 3,
    now: datetime | None = None,
) -> TrialPreview:
    """The plan a trial started now (or on `start`) would follow: its length and its
    last night. TrialError for values outside the design, as `start_trial` gives."""
    now = now or utc_now()
    plan = plan_trial(start or _tonight(store, now), 0, baseline_days, block_days, pairs)
    return TrialPreview(plan, start is None and _before_noon(store, now))


def _running(trial: StoredTrial, tonight: date) -> bool:
    return trial.stopped_at is None and tonight <= trial.plan.end


def start_trial(
    store: Store,
    *,
    start: date | None = None,
    seed: int | None = None,
    baseline_days: int = 14,
    block_days: int = 14,
    pairs: int = 3,
    now: datetime | None = None,
) -> StoredTrial:
    """Plan and store a trial starting tonight (or on a later night); refused while one runs."""
    now = now or utc_now()
    tonight = _tonight(store, now)
    start = start or tonight
    if start < tonight:
        raise TrialError(
            f"a trial cannot start on a past night ({start}); start it tonight or later"
        )
    seed = secrets.randbits(63) if seed is None else seed
    plan = plan_trial(start, seed, baseline_days, block_days, pairs)
    problem = year_problem(plan.end)
    if problem:  # every night of the plan must be one the diary can hold
        raise TrialError(f"a trial from {start} would end on {plan.end}: its nights {problem}")
    with store.write() as db:
        current = trial_repo.latest_trial(db=db)
        if current is not None and _running(current, tonight):
            raise TrialRunning(
                f"a trial is already running (from {current.plan.start} to {current.plan.end});"
                " stop it first with `crampcoach trial stop`"
            )
        return trial_repo.add_trial(db=db, plan=plan, washout_days=DEFAULT_WASHOUT, now=now)


def latest_trial(store: Store) -> StoredTrial | None:
    with store.read() as db:
        return trial_repo.latest_trial(db=db)


def tonight(store: Store, *, now: datetime | None = None) -> Tonight | None:
    """Tonight's assignment when a trial is running (None otherwise)."""
    night = _tonight(store, now or utc_now())
    trial = latest_trial(store)
    if trial is None or not _running(trial, night) or not trial.plan.covers(night):
        return None
    return Tonight(night, trial.plan.assignment(night), trial)


def trial_overview(store: Store, *, now: datetime | None = None) -> TrialOverview:
    """The latest trial with its result as of tonight (interim while it runs)."""
    now = now or utc_now()
    trial = latest_trial(store)
    tonight = _tonight(store, now)
    before_noon = _before_noon(store, now)
    if trial is None:
        return TrialOverview(None, None, tonight, before_noon)
    plan = trial.plan
    today = tonight
    if trial.stopped_at is not None:
        today = min(today, night_in_zone(trial.stopped_at, user_zone(store)))
    data = diary_data(store, first=plan.start, last=plan.end, now=now)
    result = analyse_trial(
        plan, data.episodes, data.routine_nights, today=today, washout_days=trial.washout_days
    )
    return TrialOverview(trial, result, tonight, before_noon)


def trial_result(store: Store, *, now: datetime | None = None) -> TrialResult | None:
    """The latest trial's result as of tonight (interim while it runs); None: no trial."""
    return trial_overview(store, now=now).result


def stop_preview(store: Store, *, now: datetime | None = None) -> StopPreview:
    """What stopping the running trial now would lose; TrialError when none runs."""
    overview = trial_overview(store, now=now)
    if overview.trial is None or overview.result is None or not overview.running:
        raise TrialError("no trial is running")
    plan = overview.trial.plan
    lines = stop_loss(plan, overview.tonight, overview.result.test.pairs)
    return StopPreview(overview.trial, overview.tonight, lines)


def stop_trial(store: Store, *, now: datetime | None = None) -> StoredTrial:
    """Stop the running trial (callers ask first: see `stop_preview`)."""
    now = now or utc_now()
    with store.write() as db:
        trial = trial_repo.latest_trial(db=db)
        if trial is None or not _running(trial, _tonight(store, now)):
            raise TrialError("no trial is running")
        return trial_repo.stop_trial(db=db, trial_id=trial.id, now=now)
