"""The words that go with a trial's numbers: its length before it starts, tonight, the
reading, what stopping it loses, and the caveats that always apply.

"Tonight" is the diary's night (`diary.night`): a night runs from noon to noon and is
named by the date of its evening, so at 06:00 on the 5th tonight is still the night of
the 4th. A trial started then begins with the night of the 4th (a baseline night, whose
only ask is to log), and the trial page, Today and `crampcoach trial show` all call it
night 1, running.
"""

from __future__ import annotations

from datetime import date

from crampcoach.insights.randomisation import (
    MAX_EXACT,
    MIN_TEST_PAIRS,
    SAMPLES,
    RandomisationTest,
)
from crampcoach.insights.rate_ratio import RateRatio
from crampcoach.insights.rates import has_rate, rate_needs
from crampcoach.insights.reading import count_of, number, rate_ratio_reading, weekday
from crampcoach.insights.trial_plan import Arm, TrialPlan

LOW_ADHERENCE = 0.8
ARM_WORDS: dict[Arm, str] = {
    "baseline": "a baseline night",
    "routine": "a routine night",
    "no routine": "a no-routine night",
}
ARM_ASKS: dict[Arm, str] = {
    "baseline": "keep your usual habits and log any cramps",
    "routine": "do the bedtime routine",
    "no routine": "skip the routine tonight",
}
NIGHT_RULE = (
    "A night runs from noon to noon, as in the diary: before noon, tonight is still the "
    "night that began yesterday evening."
)


def night_words(night: date) -> str:
    """'the night of Thu 4 Jun 2026'."""
    return f"the night of {weekday(night)}"


def length_text(plan: TrialPlan) -> str:
    """How long a trial runs and when it ends, before it starts: 'It runs 98 nights, from
    the night of Thu 4 Jun 2026 to the night of Wed 9 Sep 2026: 14 baseline nights, then
    3 pairs of 14-night blocks.'"""
    return (
        f"It runs {count_of(plan.nights, 'night')}, from {night_words(plan.start)} to "
        f"{night_words(plan.end)}: {count_of(plan.baseline_days, 'baseline night')}, then "
        f"{count_of(plan.pairs, 'pair')} of {plan.block_days}-night blocks."
    )


def tonight_text(plan: TrialPlan, tonight: date) -> str | None:
    """'Tonight, the night of Thu 4 Jun 2026, is night 1 of 98: a baseline night (keep
    your usual habits and log any cramps).' None when tonight is outside the trial."""
    if not plan.covers(tonight):
        return None
    arm = plan.assignment(tonight)
    return (
        f"Tonight, {night_words(tonight)}, is night {plan.night_number(tonight)} of "
        f"{plan.nights}: {ARM_WORDS[arm]} ({ARM_ASKS[arm]})."
    )


def stop_loss(plan: TrialPlan, today: date, complete_pairs: int) -> tuple[str, ...]:
    """What stopping a running trial on the night `today` loses, in plain words."""
    done = max(0, min((today - plan.start).days, plan.nights))
    left = plan.nights - done
    lines = [
        f"It has run {done} of its {count_of(plan.nights, 'night')}; the {left} still "
        f"planned, up to {night_words(plan.end)}, will not be run.",
        f"The result stays as it is now, interim for good: {complete_pairs} of "
        f"{count_of(plan.pairs, 'pair')} of blocks complete"
        + (
            f", and the randomisation test needs at least {MIN_TEST_PAIRS} complete pairs."
            if complete_pairs < MIN_TEST_PAIRS
            else "."
        ),
        "A stopped trial cannot be resumed: a new trial starts again with its own baseline.",
        "Your diary entries and routine sessions are kept.",
    ]
    return tuple(lines)


def baseline_reading(rate: float | None, cramps: int, nights: int) -> str | None:
    """'Baseline: 0.50 cramps a night over 14 nights.', the counts below the minimum of
    nights for a rate, None before any baseline night is done."""
    if not nights:
        return None
    if rate is not None and has_rate(nights):
        return f"Baseline: {number(rate)} cramps a night over {count_of(nights, 'night')}."
    return (
        f"Baseline: {count_of(cramps, 'cramp')} over {count_of(nights, 'night')} ({rate_needs()})."
    )


def design_min_p(pairs: int) -> float:
    """The smallest p-value the randomisation test of a full trial with `pairs` can give."""
    return 2 / 2**pairs if 2**pairs <= MAX_EXACT else 1 / (SAMPLES + 1)


def status_reading(plan: TrialPlan, today: date) -> str:
    if today < plan.start:
        return f"The trial has not started: its first night is {night_words(plan.start)}."
    if today == plan.start:
        return (
            f"The trial has started: tonight, {night_words(plan.start)}, is its first night; "
            "results come as its nights are done."
        )
    if today > plan.end:
        return f"The trial ended with {night_words(plan.end)}."
    done = (today - plan.start).days
    return (
        f"{done} of {count_of(plan.nights, 'night')} done: these are interim results and "
        "may change."
    )


def randomisation_reading(test: RandomisationTest) -> str:
    if test.reason is not None or test.p_value is None:
        return test.reason or "No randomisation test could be made."
    how = (
        f"all {test.allocations} possible orders of {count_of(test.pairs, 'pair')}"
        if test.exact
        else f"{test.allocations} random orders of {count_of(test.pairs, 'pair')}"
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
    baseline_cramps: int = 0,
) -> tuple[str, ...]:
    lines = [status_reading(plan, today)]
    if today > plan.start:
        lines += [rate_ratio_reading(effect, randomised=True), randomisation_reading(test)]
        if adherence:
            lines.append(adherence)
    baseline = baseline_reading(baseline_rate, baseline_cramps, baseline_nights)
    if baseline:
        lines.append(baseline)
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
            f"Few blocks: with {count_of(plan.pairs, 'pair')} there are only "
            f"{2**plan.pairs} possible orders, so the randomisation test cannot go below "
            f"p = {number(min_p)} and can "
            "never reach 0.05; read the interval of the rate ratio instead."
        )
    shares = [s for s in (routine_share, no_routine_share) if s is not None]
    if shares and min(shares) < LOW_ADHERENCE:
        notes.append(
            "The plan was not always followed; the comparison follows the plan (intention "
            "to treat), so nights off-plan make any difference look smaller."
        )
    if plan.start <= today <= plan.end:
        notes.append("The trial is still running: decide at its end, not when a number looks good.")
    return tuple(notes)
