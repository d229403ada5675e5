"""The analysis of a personal N-of-1 trial, whole or interim.

Intention to treat: nights count in the arm the plan gave them, whatever was done; the
adherence says how well the plan was followed. The effect is the rate ratio of cramps
per night, routine blocks against no-routine blocks, from the same model as the diary's
comparison (`rate_ratio.compare_rates`), over the finished nights of both arms after the
washout. The randomisation test (`randomisation.py`) uses the completed pairs only.
The baseline is reported but kept out of the comparison.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import numpy as np

from crampcoach.diary.models import Episode
from crampcoach.insights.errors import TrialError
from crampcoach.insights.night_counts import NightCounts, count_nights
from crampcoach.insights.randomisation import RandomisationTest, randomisation_test
from crampcoach.insights.rate_ratio import RateRatio, compare_rates
from crampcoach.insights.rates import has_rate
from crampcoach.insights.trial_plan import TrialPlan
from crampcoach.insights.trial_text import adherence_text, caveats, trial_reading

DEFAULT_WASHOUT = 3  # nights left out at the start of each block, against carry-over
MIN_ANALYSED = 7  # nights of each block that must stay after the washout
ARM_LABELS = ("in routine blocks", "in no-routine blocks")

Status = Literal["not started", "running", "finished"]


@dataclass(frozen=True)
class TrialAdherence:
    routine_nights: int  # finished nights the plan gave the routine
    routine_done: int  # of those, nights with the routine completed
    routine_share: float | None  # routine_done / routine_nights
    no_routine_nights: int  # finished nights the plan gave no routine
    no_routine_kept: int  # of those, nights without the routine
    no_routine_share: float | None  # no_routine_kept / no_routine_nights
    baseline_nights: int  # finished baseline nights
    baseline_routine: int  # of those, nights with the routine done anyway


@dataclass(frozen=True)
class TrialResult:
    plan: TrialPlan
    today: date  # the current night; nights before it are finished
    status: Status
    interim: bool  # the trial's last night is not finished yet
    nights_done: int  # finished nights of the trial
    washout_days: int
    baseline_nights: int
    baseline_cramps: int
    baseline_rate: float | None  # cramps a night over the finished baseline; None below
    # rates.MIN_RATE_NIGHTS finished baseline nights (baseline_cramps says the count)
    effect: RateRatio  # routine blocks against no-routine blocks
    test: RandomisationTest
    adherence: TrialAdherence
    reading: tuple[str, ...]
    caveats: tuple[str, ...]


def _arms_and_washout(plan: TrialPlan, washout_days: int) -> tuple[np.ndarray, np.ndarray]:
    """Per night of the plan: the arm code (0 baseline, 1 routine, 2 no routine) and
    whether the night is in a block's washout."""
    arm = np.zeros(plan.nights, dtype=np.int8)
    washout = np.zeros(plan.nights, dtype=bool)
    for block in plan.blocks[1:]:
        first = (block.first_night - plan.start).days
        arm[first : first + block.nights] = 1 if block.arm == "routine" else 2
        washout[first : first + washout_days] = True
    return arm, washout


def _pair_table(
    plan: TrialPlan, counts: NightCounts, analysed: np.ndarray, today: date
) -> tuple[np.ndarray, np.ndarray, list[bool]]:
    """Cramps and analysed nights per block of each completed pair, and their orders."""
    cramps, nights, orders = [], [], []
    for pair, routine_first in enumerate(plan.routine_first, start=1):
        first, second = plan.blocks[2 * pair - 1], plan.blocks[2 * pair]
        if second.last_night >= today:
            break
        row_c, row_n = [], []
        for block in (first, second):
            start = (block.first_night - plan.start).days
            window = slice(start, start + block.nights)
            row_c.append(int(counts.cramps[window][analysed[window]].sum()))
            row_n.append(int(analysed[window].sum()))
        cramps.append(row_c)
        nights.append(row_n)
        orders.append(routine_first)
    return np.array(cramps).reshape(-1, 2), np.array(nights).reshape(-1, 2), orders


def _status(plan: TrialPlan, today: date) -> Status:
    """From its first night on (tonight = its start) a trial is running, though no night
    is finished yet: "not started" only before it."""
    if today < plan.start:
        return "not started"
    return "finished" if today > plan.end else "running"


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def analyse_trial(
    plan: TrialPlan,
    episodes: Sequence[Episode],
    routine_nights: Collection[date],
    *,
    today: date,
    washout_days: int = DEFAULT_WASHOUT,
) -> TrialResult:
    """The trial's effect, randomisation test, adherence and caveats as of `today`.

    `today` is the current night (`night_in_zone(now, zone)`): it and later nights are
    not finished and not counted. `routine_nights` are the nights with a completed
    preventive routine. The first `washout_days` nights of each block are left out of
    the effect and the test (carry-over), but not out of the adherence.
    """
    limit = plan.block_days - MIN_ANALYSED
    if isinstance(washout_days, bool) or not isinstance(washout_days, int):
        raise TrialError(f"the washout must be a whole number of nights (got {washout_days!r})")
    if not 0 <= washout_days <= limit:
        raise TrialError(
            f"the washout must be 0 to {limit} nights for {plan.block_days}-night blocks "
            f"(got {washout_days})"
        )
    done = max(0, min((today - plan.start).days, plan.nights))
    arm, washout = _arms_and_washout(plan, washout_days)
    counts = count_nights(
        episodes,
        routine_nights,
        first_night=plan.start,
        last_night=plan.start + timedelta(days=plan.nights - 1),
    )
    finished = np.arange(plan.nights) < done
    analysed = finished & (arm > 0) & ~washout
    effect = compare_rates(counts.cramps[analysed], arm[analysed] == 1, labels=ARM_LABELS)
    pair_cramps, pair_nights, orders = _pair_table(plan, counts, analysed, today)
    test = randomisation_test(pair_cramps, pair_nights, orders, seed=plan.seed)
    in_arm = {code: finished & (arm == code) for code in (0, 1, 2)}
    adherence = TrialAdherence(
        routine_nights=int(in_arm[1].sum()),
        routine_done=int((in_arm[1] & counts.routine).sum()),
        routine_share=_share(int((in_arm[1] & counts.routine).sum()), int(in_arm[1].sum())),
        no_routine_nights=int(in_arm[2].sum()),
        no_routine_kept=int((in_arm[2] & ~counts.routine).sum()),
        no_routine_share=_share(int((in_arm[2] & ~counts.routine).sum()), int(in_arm[2].sum())),
        baseline_nights=int(in_arm[0].sum()),
        baseline_routine=int((in_arm[0] & counts.routine).sum()),
    )
    baseline_cramps = int(counts.cramps[in_arm[0]].sum())
    baseline_rate = (
        _share(baseline_cramps, adherence.baseline_nights)
        if has_rate(adherence.baseline_nights)
        else None
    )
    reading = trial_reading(
        plan,
        today,
        effect,
        test,
        adherence_text(
            adherence.routine_done,
            adherence.routine_nights,
            adherence.no_routine_kept,
            adherence.no_routine_nights,
        ),
        baseline_rate,
        adherence.baseline_nights,
        baseline_cramps,
    )
    return TrialResult(
        plan=plan,
        today=today,
        status=_status(plan, today),
        interim=today <= plan.end,
        nights_done=done,
        washout_days=washout_days,
        baseline_nights=adherence.baseline_nights,
        baseline_cramps=baseline_cramps,
        baseline_rate=baseline_rate,
        effect=effect,
        test=test,
        adherence=adherence,
        reading=reading,
        caveats=caveats(
            plan, today, washout_days, adherence.routine_share, adherence.no_routine_share
        ),
    )
