"""A personal N-of-1 trial of the routine: a baseline, then pairs of blocks in random order.

The block-pair design of the AHRQ user's guide (Kravitz RL, Duan N, et al. Design and
Implementation of N-of-1 Trials, 2014, chapter 4): every pair holds one block of each
treatment, in an order randomised within the pair, so slow changes (seasons, a bad
month) hit both arms alike. Woodfield 2005 ran N-of-1 trials of quinine for leg cramps
the same way: a 2-week washout, then three pairs of 4-week blocks.

Here: a baseline of 7 to 14 nights (usual habits; learn to log every night, including
nights without cramps; it gives the starting rate and is not part of the comparison),
then `pairs` pairs of `block_days`-night blocks, one "routine" and one "no routine"
block in each. Which comes first is a coin flip from `random.Random(seed)`, whose
`random()` sequence Python keeps stable for a given seed: the five numbers stored with
a trial rebuild it exactly.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from crampcoach.diary.bounds import excerpt
from crampcoach.insights.errors import TrialError

Arm = Literal["baseline", "routine", "no routine"]

MIN_BASELINE, MAX_BASELINE = 7, 14
MIN_BLOCK, MAX_BLOCK = 14, 56
MIN_PAIRS, MAX_PAIRS = 3, 26
MAX_SEED = 2**63 - 1  # fits a signed 64-bit database column


@dataclass(frozen=True)
class Block:
    arm: Arm
    pair: int  # 0 for the baseline, then 1 to the number of pairs
    first_night: date
    last_night: date

    @property
    def nights(self) -> int:
        return (self.last_night - self.first_night).days + 1


def _whole(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TrialError(f"{what} must be a whole number (got {excerpt(value)})")
    return value


def _check(start: object, seed: object, baseline: object, block: object, pairs: object) -> None:
    if not isinstance(start, date) or isinstance(start, datetime):
        got = excerpt(start)
        raise TrialError(f"the start must be a date, the trial's first night (got {got})")
    if not 0 <= _whole(seed, "the seed") <= MAX_SEED:
        got = excerpt(seed)
        raise TrialError(f"the seed must be a whole number from 0 to {MAX_SEED} (got {got})")
    if not MIN_BASELINE <= _whole(baseline, "the baseline") <= MAX_BASELINE:
        got = excerpt(baseline)
        raise TrialError(
            f"the baseline must be {MIN_BASELINE} to {MAX_BASELINE} nights (got {got})"
        )
    block_nights = _whole(block, "a block")
    if block_nights < MIN_BLOCK:
        raise TrialError(f"a block must be at least {MIN_BLOCK} nights (got {excerpt(block)})")
    if block_nights > MAX_BLOCK:
        raise TrialError(f"a block must be at most {MAX_BLOCK} nights (got {excerpt(block)})")
    pair_count = _whole(pairs, "the number of pairs")
    if pair_count < MIN_PAIRS:
        raise TrialError(
            f"a trial needs at least {MIN_PAIRS} pairs of blocks (got {excerpt(pairs)})"
        )
    if pair_count > MAX_PAIRS:
        got = excerpt(pairs)
        raise TrialError(f"a trial has at most {MAX_PAIRS} pairs of blocks (got {got})")


def pair_orders(seed: int, pairs: int) -> tuple[bool, ...]:
    """For each pair, True when its routine block comes first; a coin flip per pair."""
    rng = random.Random(seed)
    return tuple(rng.random() < 0.5 for _ in range(pairs))


@dataclass(frozen=True)
class TrialPlan:
    """The whole schedule, derived from five numbers; build it with `plan_trial`."""

    start: date  # the first night (of the baseline)
    seed: int
    baseline_days: int = 14
    block_days: int = 14
    pairs: int = 3
    routine_first: tuple[bool, ...] = field(init=False)  # per pair, from the seed
    blocks: tuple[Block, ...] = field(init=False)  # the baseline, then the pairs' blocks

    def __post_init__(self) -> None:
        _check(self.start, self.seed, self.baseline_days, self.block_days, self.pairs)
        orders = pair_orders(self.seed, self.pairs)
        baseline_end = self.start + timedelta(days=self.baseline_days - 1)
        blocks = [Block("baseline", 0, self.start, baseline_end)]
        for pair, routine_first in enumerate(orders, start=1):
            arms: tuple[Arm, Arm] = (
                ("routine", "no routine") if routine_first else ("no routine", "routine")
            )
            for arm in arms:
                first = blocks[-1].last_night + timedelta(days=1)
                blocks.append(Block(arm, pair, first, first + timedelta(days=self.block_days - 1)))
        object.__setattr__(self, "routine_first", orders)
        object.__setattr__(self, "blocks", tuple(blocks))

    @property
    def end(self) -> date:
        """The last night of the trial."""
        return self.blocks[-1].last_night

    @property
    def nights(self) -> int:
        return self.baseline_days + 2 * self.pairs * self.block_days

    def covers(self, night: date) -> bool:
        return self.start <= night <= self.end

    def block_of(self, night: date) -> Block:
        """The block a night falls in; TrialError outside the trial."""
        if not self.covers(night):
            raise TrialError(
                f"the night of {night} is outside the trial ({self.start} to {self.end})"
            )
        offset = (night - self.start).days
        if offset < self.baseline_days:
            return self.blocks[0]
        return self.blocks[1 + (offset - self.baseline_days) // self.block_days]

    def assignment(self, night: date) -> Arm:
        """ "baseline", "routine" or "no routine" for a night of the trial."""
        return self.block_of(night).arm

    def night_number(self, night: date) -> int:
        """1 for the first night, `nights` for the last."""
        self.block_of(night)
        return (night - self.start).days + 1

    def schedule(self) -> tuple[tuple[date, Arm], ...]:
        """Every night of the trial with its assignment, in order."""
        return tuple(
            (block.first_night + timedelta(days=i), block.arm)
            for block in self.blocks
            for i in range(block.nights)
        )


def plan_trial(
    start: date, seed: int, baseline_days: int = 14, block_days: int = 14, pairs: int = 3
) -> TrialPlan:
    """A trial from the night of `start`: a baseline, then `pairs` randomised pairs of blocks.

    Raises TrialError with a plain message for values outside the design's limits:
    a baseline of 7 to 14 nights, blocks of 14 to 56 nights, 3 to 26 pairs.
    """
    return TrialPlan(
        start=start, seed=seed, baseline_days=baseline_days, block_days=block_days, pairs=pairs
    )
