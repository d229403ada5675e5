"""The randomisation test of a block-pair trial: how unusual is the observed difference
among all the orders the coin flips could have given?

Statistic: mean cramps per night in the routine blocks minus in the no-routine blocks.
If the routine makes no difference, each pair's order was as likely as its swap, so the
reference distribution comes from recomputing the statistic over the 2^k orders of k
pairs: all of them when 2^k <= `MAX_EXACT`, else `SAMPLES` random orders drawn from the
trial's seed. The p-value is two-sided. Enumerated exactly, swapping every pair gives
the same difference with its sign flipped, so the smallest p-value the design can give
is 2 / 2^k: 0.25 with 3 pairs; reaching 0.05 takes 6 pairs (AHRQ N-of-1 guide, 2014).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MIN_TEST_PAIRS = 3
MAX_EXACT = 4096
SAMPLES = 9999
SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class RandomisationTest:
    pairs: int  # completed pairs used
    statistic: float | None  # routine minus no routine, mean cramps per night
    p_value: float | None  # two-sided
    allocations: int  # orders compared: 2^pairs when exact, else the samples
    exact: bool  # every order enumerated
    min_p: float | None  # the smallest p-value this test could give
    can_reach_significance: bool | None  # min_p <= 0.05
    reason: str | None  # why there is no p-value; None when there is one


def _differences(routine_first: np.ndarray, cramps: np.ndarray, nights: np.ndarray) -> np.ndarray:
    """The statistic for each row of `routine_first` (orders x pairs, bool)."""
    first = routine_first.astype(float)
    second = 1.0 - first
    routine_cramps = first @ cramps[:, 0] + second @ cramps[:, 1]
    routine_nights = first @ nights[:, 0] + second @ nights[:, 1]
    other_cramps = cramps.sum() - routine_cramps
    other_nights = nights.sum() - routine_nights
    return routine_cramps / routine_nights - other_cramps / other_nights


def all_orders(pairs: int) -> np.ndarray:
    """Every order of `pairs` pairs as rows of booleans (True: routine first)."""
    codes = np.arange(2**pairs, dtype=np.int64)[:, None]
    return ((codes >> np.arange(pairs, dtype=np.int64)) & 1).astype(bool)


def random_orders(pairs: int, samples: int, seed: int) -> np.ndarray:
    """`samples` orders drawn with `seed`, each pair's coin fair."""
    return np.random.default_rng(seed).random((samples, pairs)) < 0.5


def randomisation_test(
    cramps: np.ndarray,
    nights: np.ndarray,
    routine_first: Sequence[bool],
    *,
    seed: int,
    min_pairs: int = MIN_TEST_PAIRS,
    max_exact: int = MAX_EXACT,
    samples: int = SAMPLES,
) -> RandomisationTest:
    """Two-sided randomisation test over completed pairs.

    `cramps` and `nights` have one row per pair: (first block, second block), the nights
    being those analysed (after any washout, all above 0); `routine_first` says which
    block of each pair was the routine block.
    """
    cramps = np.asarray(cramps, dtype=float).reshape(-1, 2)
    nights = np.asarray(nights, dtype=float).reshape(-1, 2)
    observed_order = np.asarray(routine_first, dtype=bool)
    k = observed_order.size
    if cramps.shape[0] != k or nights.shape[0] != k:
        raise ValueError("cramps, nights and routine_first must have one entry per pair")
    if k and nights.min() <= 0:
        raise ValueError("every block needs at least one analysed night")
    if k < min_pairs:
        return RandomisationTest(
            pairs=k,
            statistic=None,
            p_value=None,
            allocations=0,
            exact=False,
            min_p=None,
            can_reach_significance=None,
            reason=(
                f"The randomisation test needs at least {min_pairs} completed pairs of "
                f"blocks ({k} so far)."
            ),
        )
    observed = float(_differences(observed_order[None, :], cramps, nights)[0])
    exact = 2**k <= max_exact
    orders = all_orders(k) if exact else random_orders(k, samples, seed)
    reference = np.abs(_differences(orders, cramps, nights))
    tolerance = 1e-12 * max(1.0, abs(observed))  # the same difference, up to rounding
    as_extreme = int(np.count_nonzero(reference >= abs(observed) - tolerance))
    if exact:
        p_value, min_p = as_extreme / orders.shape[0], 2 / orders.shape[0]
    else:
        p_value, min_p = (as_extreme + 1) / (samples + 1), 1 / (samples + 1)
    return RandomisationTest(
        pairs=k,
        statistic=observed,
        p_value=p_value,
        allocations=int(orders.shape[0]),
        exact=exact,
        min_p=min_p,
        can_reach_significance=min_p <= SIGNIFICANCE,
        reason=None,
    )
