"""The words that go with a trial's numbers: the reading, and the caveats that always apply."""

from __future__ import annotations

from datetime import date

from crampcoach.insights.randomisation import MAX_EXACT, SAMPLES, RandomisationTest
from crampcoach.insights.rate_ratio import RateRatio
from crampcoach.insights.reading import count_of, number, rate_ratio_reading
from crampcoach.insights.trial_plan import TrialPlan

LOW_ADHERENCE = 0.8


def design_min_p(pairs: int) -> float:
    """The smallest p-value the randomisation test of a full trial with `pairs` can give."""
    return 2 / 2**pairs if 2**pairs <= MAX_EXACT else 1 / (SAMPLES + 1)


def status_reading(plan: TrialPlan, today: date) -> str:
    if today < plan.start:
        return f"The trial has not started: its first night is {plan.start}."
    if today == plan.start:
        return f"The trial starts tonight ({plan.start}); results come as its nights are done."
    if today > plan.end:
        return f"The trial ended with the night of {plan.end}."
    done = (today - plan.start).days
    return f"{done} of {plan.nights} nights done: these are interim results and may change."


def randomisation_reading(test: RandomisationTest) -> str:
    if test.reason is not None or test.p_value is None:
        return test.reason or "No randomisation test could be made."
    how = (
        f"all {test.allocations} possible orders of {count_of(test.pairs, 'pair')}"
        if test.exact
        else f"{test.allocations} random orders of {test.pairs} pairs"
    )
    said = f"Randomisation test: p = {number(test.p_value)} (two-sided, over {how})."
    if test.can_reach_significance is False:
        said += (
            f" With {count_of(test.pairs, 'pair')} it cannot go below {number(test.min_p or 0)},"
            " so it can never reach 0.05 on its own."
        )
    return said


def adherence_text(
    routine_done: int, routine_nights: int, skipped: int, no_routine_nights: int
) -> str | None:
    if not routine_nights and not no_routine_nights:
        return None
    parts = []
    if routine_nights:
        parts.append(
            f"you did the routine on {routine_done} of {count_of(routine_nights, 'routine night')}"
            f" ({routine_done / routine_nights:.0%})"
        )
    if no_routine_nights:
        parts.append(
            f"left it out on {skipped} of {count_of(no_routine_nights, 'no-routine night')}"
            f" ({skipped / no_routine_nights:.0%})"
        )
    text = " and ".join(parts)
    return f"{text[0].upper()}{text[1:]}."


def trial_reading(
    plan: TrialPlan,
    today: date,
    effect: RateRatio,
    test: RandomisationTest,
    adherence: str | None,
    baseline_rate: float | None,
    baseline_nights: int,
) -> tuple[str, ...]:
    lines = [status_reading(plan, today)]
    if today > plan.start:
        lines += [rate_ratio_reading(effect, randomised=True), randomisation_reading(test)]
        if adherence:
            lines.append(adherence)
    if baseline_rate is not None:
        lines.append(
            f"Baseline: {number(baseline_rate)} cramps a night over "
            f"{count_of(baseline_nights, 'night')}."
        )
    return tuple(lines)


def caveats(
    plan: TrialPlan,
    today: date,
    washout_days: int,
    routine_share: float | None,
    no_routine_share: float | None,
) -> tuple[str, ...]:
    """What the trial cannot rule out, in plain words (AHRQ N-of-1 guide, 2014, ch. 4)."""
    notes = [
        "No blinding: you know which nights are routine nights, and expecting it to help "
        "can change how you notice, remember or log cramps.",
        (
            f"Carry-over: an effect of the routine may last into the next block. The first "
            f"{count_of(washout_days, 'night')} of each block are left out of the comparison "
            "as a washout."
            if washout_days
            else "Carry-over: an effect of the routine may last into the next block; no "
            "nights were left out as a washout, so carry-over could hide a difference."
        ),
        "Regression to the mean: people often start a trial when cramps are at their worst, "
        "and cramps then tend to ease by themselves. Comparing routine and no-routine blocks "
        "within each pair, not with the baseline, guards against this.",
        "Nights close together tend to be alike; the interval treats nights as independent "
        "and may be too narrow.",
    ]
    min_p = design_min_p(plan.pairs)
    if min_p > 0.05:
        notes.append(
            f"Few blocks: with {plan.pairs} pairs there are only {2**plan.pairs} possible "
            f"orders, so the randomisation test cannot go below p = {number(min_p)} and can "
            "never reach 0.05; read the interval of the rate ratio instead."
        )
    shares = [s for s in (routine_share, no_routine_share) if s is not None]
    if shares and min(shares) < LOW_ADHERENCE:
        notes.append(
            "The plan was not always followed; the comparison follows the plan (intention "
            "to treat), so nights off-plan make any difference look smaller."
        )
    if plan.start < today <= plan.end:
        notes.append("The trial is still running: decide at its end, not when a number looks good.")
    return tuple(notes)
